import type { CliIo } from '../io.js'
import { BUILD_DIR, runsBuild, verifyBuild } from '../internal/build-files.js'
import { requireExport } from '../internal/packages.js'
import { findProjectRoot } from '../internal/project.js'
import { flagName, type ParsedArgs } from '../options.js'
import { announce, type AppLogger } from './start-command.js'

/** What `mega worker` calls: `runWorkers` of `@mega/jobs`, or a stand-in in tests. */
export type WorkerRunner = (options: {
  readonly root: string
  readonly boot?: { readonly build: string; readonly logger: AppLogger }
}) => Promise<unknown>

/**
 * `mega worker`: the app's job workers, run by `@mega/jobs` (`runWorkers`): the build in `dist/` when
 * there is one (and not `--source`), with no loader, else the sources.
 */
export async function workerCommand(
  parsed: ParsedArgs<'worker'>,
  io: CliIo,
  runner?: WorkerRunner,
): Promise<number> {
  const build = runsBuild(parsed, io.cwd)
  const root = findProjectRoot(io.cwd, parsed.options.root, 'worker', { acceptBuild: build })
  const manifest = build ? await verifyBuild(root) : undefined
  const run =
    runner ??
    ((await requireExport(root, '@mega/jobs', 'runWorkers', 'mega worker')) as WorkerRunner)
  if (manifest === undefined) await run({ root })
  else {
    process.setSourceMapsEnabled(true)
    await run({
      root,
      boot: { build: BUILD_DIR, logger: await announce(root, 'worker', manifest) },
    })
  }
  return 0
}

interface HubRunOptions {
  readonly root: string
  readonly argv: readonly string[]
  readonly env: Readonly<Record<string, string | undefined>>
  readonly stdout: { write(text: string): void }
  readonly stderr: { write(text: string): void }
}

/** The `mega-ws-hub` flags of what `mega hub` was given, in the bin's own spelling. */
export function hubArgv(options: ParsedArgs<'hub'>['options']): string[] {
  const { root: _root, token, ...single } = options
  const argv = token.flatMap((t) => ['--token', t])
  for (const [key, value] of Object.entries(single))
    if (typeof value === 'string') argv.push(`--${flagName(key)}`, value)
  return argv
}

/**
 * `mega hub`: the central WebSocket hub of `@mega/ws-hub` (`runWsHubCli`), with its flags forwarded.
 * Its exit code is the hub's: 0 once serving (until SIGTERM), 2 for a bad value, 1 if it cannot start.
 */
export async function hubCommand(parsed: ParsedArgs<'hub'>, io: CliIo): Promise<number> {
  const root =
    parsed.options.root === undefined ? io.cwd : findProjectRoot(io.cwd, parsed.options.root, 'hub')
  const run = (await requireExport(root, '@mega/ws-hub', 'runWsHubCli', 'mega hub')) as (
    options: HubRunOptions,
  ) => Promise<unknown>
  const code = await run({
    root,
    argv: hubArgv(parsed.options),
    env: io.env,
    stdout: { write: io.stdout },
    stderr: { write: io.stderr },
  })
  return typeof code === 'number' ? code : 0
}
