// `pnpm create-app <dir>`: a new app from this checkout, before anything is published. The checkout's
// packages are packed (as a release would publish them), `mega new` writes the app, and the app's
// dependencies on @mega/* point at the tarballs (directly and through `overrides`, so the packages'
// dependencies on each other resolve to them too). Third-party packages come from the usual registry.
import { spawnSync } from 'node:child_process'
import { mkdir, readdir } from 'node:fs/promises'
import { basename, join, relative, resolve } from 'node:path'
import { useLocalPackages } from '@mega/test-utils'
import { WORKSPACE_ROOT, packAll, publishablePackages } from './workspace.js'

/** The folder inside the app that holds the packed @mega/* tarballs. */
export const PACKS_DIR = '.mega-packs'

/** What {@link createAppFromClone} takes. */
export interface CreateAppOptions {
  /** The folder to create (absolute, or relative to the caller's folder). */
  readonly target: string
  /** `npm` (default), `pnpm` or `yarn`: what installs the app. */
  readonly packageManager?: 'npm' | 'pnpm' | 'yarn'
  /** Write the app without installing it. */
  readonly skipInstall?: boolean
  /** Where progress goes. */
  readonly log?: (line: string) => void
  /** Extra environment for the commands run (a test's npm cache, for one). */
  readonly env?: NodeJS.ProcessEnv
  /** Keep the commands' output (shown only when one fails) instead of printing it. @default false */
  readonly quiet?: boolean
  /** More `mega new` options, as typed: `['--db', 'postgres']`, `['--bare']`, `['--auth']`. @default [] */
  readonly newOptions?: readonly string[]
}

function step(command: string, args: readonly string[], cwd: string, options: CreateAppOptions) {
  const quiet = options.quiet === true
  const result = spawnSync(command, args, {
    cwd,
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
  })
  if (result.status !== 0) {
    const output = quiet ? `\n${`${result.stdout}${result.stderr}`.slice(-3000)}` : ''
    throw new Error(
      `create-app: "${command} ${args.join(' ')}" failed (exit ${result.status ?? result.signal}) in ${cwd}; fix what it printed and run create-app again with a new folder.${output}`,
    )
  }
}

/**
 * Creates an app from the checkout's built packages. Resolves the app's folder.
 *
 * @example
 * await createAppFromClone({ target: '../my-app' })
 */
export async function createAppFromClone(options: CreateAppOptions): Promise<string> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`))
  const pm = options.packageManager ?? 'npm'
  const app = resolve(options.target)
  const cli = join(WORKSPACE_ROOT, 'packages/cli/bin/mega.js')
  const missing = []
  for (const pkg of await publishablePackages())
    if ((await readdir(pkg.dir)).includes('dist') === false) missing.push(pkg.name)
  if (missing.length > 0)
    throw new Error(
      `create-app: ${missing.join(', ')} not built; run "pnpm build" in ${WORKSPACE_ROOT} first.`,
    )

  step(
    process.execPath,
    [cli, 'new', app, '--skip-install', '--package-manager', pm, ...(options.newOptions ?? [])],
    WORKSPACE_ROOT,
    options,
  )

  const packs = join(app, PACKS_DIR)
  await mkdir(packs, { recursive: true })
  log(`Packing the checkout's packages into ${relative(process.cwd(), packs) || packs}`)
  const packages = await publishablePackages()
  const tarballs = await packAll(packages, packs)
  const local = new Map(
    packages.map((pkg, i) => [pkg.name, `file:./${PACKS_DIR}/${basename(tarballs[i]!)}`]),
  )

  await useLocalPackages(app, Object.fromEntries(local), pm)

  if (options.skipInstall !== true) {
    log(
      `Installing with ${pm} (the @mega/* packages from ${PACKS_DIR}, the rest from the registry)`,
    )
    step(pm, ['install'], app, options)
  }
  const shown = relative(process.env['INIT_CWD'] ?? process.cwd(), app) || app
  log(
    `\nCreated ${basename(app)} from this checkout.\nNext:\n  cd ${shown}\n  ${options.skipInstall === true ? `${pm} install && ` : ''}${pm} run dev`,
  )
  return app
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename
if (invokedDirectly) {
  // `<dir>` first; create-app's own flags; everything else goes to `mega new` (which checks it).
  const [target, ...rest] = process.argv.slice(2)
  const own = (arg: string) => arg === '--skip-install' || arg.startsWith('--package-manager=')
  const pmArg = rest.find((arg) => arg.startsWith('--package-manager='))?.split('=')[1]
  if (target === undefined || target.startsWith('-') || rest.includes('--help')) {
    process.stderr.write(
      'Usage: pnpm create-app <dir> [--package-manager=npm|pnpm|yarn] [--skip-install] [mega new options: --db postgres, --bare, --auth]\n' +
        "Creates an app that uses this checkout's packages (packed), before anything is published.\n",
    )
    process.exitCode = target === '--help' || rest.includes('--help') ? 0 : 2
  } else if (pmArg !== undefined && !['npm', 'pnpm', 'yarn'].includes(pmArg)) {
    process.stderr.write(
      `create-app: --package-manager must be npm, pnpm or yarn (got "${pmArg}").\n`,
    )
    process.exitCode = 2
  } else {
    const base = process.env['INIT_CWD'] ?? process.cwd() // pnpm runs scripts from the root
    try {
      await createAppFromClone({
        target: resolve(base, target),
        ...(pmArg === undefined ? {} : { packageManager: pmArg as 'npm' | 'pnpm' | 'yarn' }),
        skipInstall: rest.includes('--skip-install'),
        newOptions: rest.filter((arg) => !own(arg)),
      })
    } catch (err) {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
      process.exitCode = 1
    }
  }
}
