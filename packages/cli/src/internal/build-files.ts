// What `mega build` compiles and how a later command knows the build is the one of the sources it
// sees: the manifest in the build records the sha256 of every source file it was made from.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { cliError } from '../errors.js'
import type { ParsedArgs } from '../options.js'

/** The folder `mega build` writes, under the project root. */
export const BUILD_DIR = 'dist'

/** The manifest `mega build` writes last into {@link BUILD_DIR}: its presence marks a build. */
export const BUILD_MANIFEST = 'mega-build.json'

/** TypeScript that is compiled (`.d.ts`, tests and root-level tool configs are not). */
const TYPESCRIPT = /\.(c|m)?ts$/
/** Files copied beside the compiled ones, so relative imports of them still resolve. */
const COPIED = /\.(c|m)?js$|\.json$/
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]s$|\.test-d\.ts$|\.d\.[cm]?ts$/
/** Folders never compiled: dependencies, hidden folders (`.git`, `.mega`), tests, outputs. */
const SKIPPED_DIRS = new Set(['node_modules', BUILD_DIR, 'test', 'tests', '__tests__', 'coverage'])
/** At the root, only the config is compiled (not `vitest.config.ts`, `eslint.config.js`...). */
const ROOT_FILES = /^mega\.config\.(c|m)?ts$/

/** The source files of a project, relative to its root with `/` separators, sorted. */
export interface ProjectSources {
  /** TypeScript compiled to JavaScript. */
  readonly compile: readonly string[]
  /** JavaScript and JSON copied as they are. */
  readonly copy: readonly string[]
}

function skippedDir(name: string): boolean {
  return name.startsWith('.') || SKIPPED_DIRS.has(name)
}

async function walk(root: string, dir: string, found: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && !skippedDir(entry.name)) await walk(root, path, found)
    else if (entry.isFile() && !TEST_FILE.test(entry.name))
      found.push(relative(root, path).split(sep).join('/'))
  }
}

/**
 * The files `mega build` compiles and copies: `mega.config.ts` at the root, and every `.ts` (compiled)
 * and `.js`/`.json` (copied) file in the root's folders (`apps/`, `lib/`...), except `node_modules`,
 * hidden folders, `dist`, test folders, tests and declaration files. Views, locales, public files stay
 * where they are: the app reads them from the project root.
 */
export async function listSources(root: string): Promise<ProjectSources> {
  const compile: string[] = []
  const copy: string[] = []
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isFile() && ROOT_FILES.test(entry.name)) compile.push(entry.name)
    if (!entry.isDirectory() || skippedDir(entry.name)) continue
    const found: string[] = []
    await walk(root, join(root, entry.name), found)
    compile.push(...found.filter((f) => TYPESCRIPT.test(f)))
    copy.push(...found.filter((f) => COPIED.test(f)))
  }
  return { compile: compile.sort(), copy: copy.sort() }
}

/** sha256 of each file, by path. */
export async function hashSources(
  root: string,
  paths: readonly string[],
): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {}
  for (const path of paths)
    hashes[path] = createHash('sha256')
      .update(await readFile(join(root, path)))
      .digest('hex')
  return hashes
}

/** What {@link BUILD_MANIFEST} holds. */
export interface BuildManifest {
  /** The `@mega/cli` version that built it. */
  readonly cli: string
  /** The esbuild version that compiled it. */
  readonly esbuild: string
  /** ISO time of the build. */
  readonly builtAt: string
  /** sha256 of every source file compiled or copied, by path relative to the root. */
  readonly sources: Readonly<Record<string, string>>
}

/** `true` when the project at `root` has a build (its manifest exists). */
export function hasBuild(root: string): boolean {
  return existsSync(join(root, BUILD_DIR, BUILD_MANIFEST))
}

/** The `mega migrate` actions that run migrations, and so run them from a build when there is one. */
const BUILD_MIGRATE_ACTIONS: readonly string[] = ['up', 'down', 'status']

/**
 * `true` when the command runs the project's build rather than its TypeScript sources: `start`,
 * `worker` and `migrate up|down|status`, without `--source`, in a project whose `dist/` holds a build. Then
 * `mega` runs it in its own process, with no loader.
 */
export function runsBuild(parsed: ParsedArgs, cwd: string): boolean {
  const options = parsed.options as { readonly root?: string; readonly source?: boolean }
  if (options.source === true) return false
  const runs =
    parsed.command === 'start' ||
    parsed.command === 'worker' ||
    (parsed.command === 'migrate' && BUILD_MIGRATE_ACTIONS.includes(parsed.args[0] ?? ''))
  return runs && hasBuild(resolve(cwd, options.root ?? '.'))
}

function stale(root: string, reason: string): Error {
  return cliError(
    'MEGA_CLI_BUILD_STALE',
    `${join(root, BUILD_DIR)} is not a build of these sources (${reason}): run "mega build" again, or pass --source to run the TypeScript sources through the loader.`,
  )
}

/** Reads the manifest of the build in `root`; an unreadable one is `MEGA_CLI_BUILD_STALE`. */
export async function readBuildManifest(root: string): Promise<BuildManifest> {
  try {
    const manifest = JSON.parse(
      await readFile(join(root, BUILD_DIR, BUILD_MANIFEST), 'utf8'),
    ) as BuildManifest
    if (typeof manifest.sources === 'object' && manifest.sources !== null) return manifest
  } catch {
    // reported below
  }
  throw stale(root, `${BUILD_MANIFEST} cannot be read`)
}

function listed(paths: readonly string[]): string {
  return `${paths.slice(0, 5).join(', ')}${paths.length > 5 ? `, and ${paths.length - 5} more` : ''}`
}

/**
 * Checks that the build in `root` was made from the sources there: none changed, added or removed
 * since. A deploy that ships the build without its sources (none of them present) passes. A
 * difference is `MEGA_CLI_BUILD_STALE` naming the files; running an old build silently would serve
 * code nobody is looking at.
 *
 * @example
 * const manifest = await verifyBuild(process.cwd())
 */
export async function verifyBuild(root: string): Promise<BuildManifest> {
  const manifest = await readBuildManifest(root)
  const sources = await listSources(root)
  const present = [...sources.compile, ...sources.copy]
  if (present.length === 0) return manifest // the build shipped alone
  const hashes = await hashSources(root, present)
  const built = Object.keys(manifest.sources)
  const changed = present.filter((p) => p in manifest.sources && manifest.sources[p] !== hashes[p])
  const added = present.filter((p) => !(p in manifest.sources))
  const removed = built.filter((p) => !(p in hashes))
  if (changed.length > 0) throw stale(root, `changed since: ${listed(changed)}`)
  if (added.length > 0) throw stale(root, `new since: ${listed(added)}`)
  if (removed.length > 0) throw stale(root, `removed since: ${listed(removed)}`)
  return manifest
}
