import type { CliIo } from '../io.js'
import { requireExport } from '../internal/packages.js'
import { findProjectRoot } from '../internal/project.js'
import { flagName, type ParsedArgs } from '../options.js'

type Runner = (options: { readonly root: string }) => Promise<unknown>

/** `mega worker`: the app's job workers, run by `@mega/jobs` (`runWorkers`). */
export async function workerCommand(parsed: ParsedArgs<'worker'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'worker')
  const run = (await requireExport(root, '@mega/jobs', 'runWorkers', 'mega worker')) as Runner
  await run({ root })
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
