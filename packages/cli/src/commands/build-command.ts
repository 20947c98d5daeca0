import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import type { MegaIssue } from '@mega/observe'
import {
  build as esbuild,
  version as esbuildVersion,
  type BuildFailure,
  type Metafile,
} from 'esbuild'
import { cliError } from '../errors.js'
import { createColors, type CliIo } from '../io.js'
import {
  BUILD_DIR,
  BUILD_MANIFEST,
  hashSources,
  listSources,
  type BuildManifest,
} from '../internal/build-files.js'
import { findProjectRoot } from '../internal/project.js'
import type { ParsedArgs } from '../options.js'
import { runStep } from '../progress.js'
import { CLI_VERSION } from '../templates.js'

/** What {@link buildProject} did. */
export interface BuildResult {
  /** The build folder (`<root>/dist`). */
  readonly dir: string
  /** Source files compiled (relative to the root). */
  readonly compiled: readonly string[]
  /** JavaScript and JSON files copied as they are. */
  readonly copied: readonly string[]
  readonly manifest: BuildManifest
}

/** The esbuild runs: ESM for `.ts`/`.mts` (as `.js`/`.mjs`), CommonJS for `.cts` (as `.cjs`). */
const GROUPS = [
  { test: /\.ts$/, format: 'esm', extension: '.js' },
  { test: /\.mts$/, format: 'esm', extension: '.mjs' },
  { test: /\.cts$/, format: 'cjs', extension: '.cjs' },
] as const

function failed(message: string, issues: readonly MegaIssue[]): Error {
  return cliError('MEGA_CLI_BUILD_FAILED', message, { issues: [...issues] })
}

function isBuildFailure(err: unknown): err is BuildFailure {
  return Array.isArray((err as Partial<BuildFailure> | null)?.errors)
}

/** A relative import written with a `.ts` extension: fine for tsx, a missing file once compiled. */
function tsImports(metafile: Metafile): MegaIssue[] {
  return Object.values(metafile.outputs).flatMap((out) =>
    out.imports
      .filter((i) => /^\.\.?\//.test(i.path) && /\.[cm]?ts$/.test(i.path))
      .map((i) => ({
        path: out.entryPoint ?? '?',
        message: `imports "${i.path}": write it with the compiled extension ("${i.path.replace(/ts$/, 'js')}"), as TypeScript's NodeNext resolution expects`,
      })),
  )
}

async function compile(root: string, out: string, files: readonly string[]): Promise<void> {
  const issues: MegaIssue[] = []
  for (const group of GROUPS) {
    const entryPoints = files.filter((f) => group.test.test(f))
    if (entryPoints.length === 0) continue
    try {
      const result = await esbuild({
        absWorkingDir: root,
        entryPoints: [...entryPoints],
        outdir: out,
        outbase: root,
        outExtension: { '.js': group.extension },
        bundle: false,
        format: group.format,
        platform: 'node',
        target: 'node20',
        sourcemap: 'linked',
        metafile: true,
        logLevel: 'silent',
      })
      issues.push(...tsImports(result.metafile))
    } catch (err) {
      if (!isBuildFailure(err)) throw err
      issues.push(
        ...err.errors.map((e) => ({
          path: e.location === null ? '?' : `${e.location.file}:${e.location.line}`,
          message: e.text,
        })),
      )
    }
  }
  if (issues.length > 0)
    throw failed(
      `mega build: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the sources of ${root}: fix them and build again (the previous build, if any, is untouched).`,
      issues,
    )
}

async function copyAll(root: string, out: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(join(out, file)), { recursive: true })
    await copyFile(join(root, file), join(out, file))
  }
}

/** The build folder may be replaced only when it is a build (or absent). */
function checkOutput(root: string): void {
  const dir = join(root, BUILD_DIR)
  if (existsSync(dir) && !existsSync(join(dir, BUILD_MANIFEST)))
    throw cliError(
      'MEGA_CLI_BUILD_FAILED',
      `mega build: ${dir} exists and was not written by "mega build" (no ${BUILD_MANIFEST}): move it away, the build replaces the whole folder.`,
    )
}

/**
 * Compiles the project at `root` into `<root>/dist` with esbuild (one file in, one file out: the
 * convention layout is kept, `node_modules` stay imports), copies its `.js` and `.json` files, and
 * writes `dist/mega-build.json` with the sha256 of every source. The build is made in a temporary
 * folder and moved into place, so a failure leaves the previous build as it was. Type errors are not
 * its business: `tsc --noEmit` (the app's `typecheck` script) checks them.
 *
 * @example
 * const { dir, compiled } = await buildProject(process.cwd())
 */
export async function buildProject(root: string): Promise<BuildResult> {
  checkOutput(root)
  const sources = await listSources(root)
  const staging = await mkdtemp(join(root, `.${BUILD_DIR}-`))
  const dir = join(root, BUILD_DIR)
  try {
    await compile(root, staging, sources.compile)
    await copyAll(root, staging, sources.copy)
    // The app is ESM whatever its package.json says: the build says so for itself.
    await writeFile(join(staging, 'package.json'), '{ "type": "module" }\n')
    const manifest: BuildManifest = {
      cli: CLI_VERSION,
      esbuild: esbuildVersion,
      builtAt: new Date().toISOString(),
      sources: await hashSources(root, [...sources.compile, ...sources.copy]),
    }
    await writeFile(join(staging, BUILD_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
    await rm(dir, { recursive: true, force: true })
    await rename(staging, dir)
    return { dir, compiled: sources.compile, copied: sources.copy, manifest }
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

/** `mega build`: compiles the project into `dist/` and says what it wrote. */
export async function buildCommand(parsed: ParsedArgs<'build'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'build')
  const result = await runStep(io, 'Compiling the app', () => buildProject(root))
  const c = createColors(io)
  const copied = result.copied.length === 0 ? '' : `, copied ${result.copied.length}`
  io.stdout(
    `${c.green('✓')} Built ${relative(io.cwd, result.dir) || '.'}: compiled ${result.compiled.length} files${copied}\n`,
  )
  io.stdout(`  ${c.cyan('mega start')} now runs it, with no TypeScript loader\n`)
  return 0
}
