import type { CliIo } from '../io.js'
import { requireExport } from '../internal/packages.js'
import { findProjectRoot } from '../internal/project.js'
import type { ParsedArgs } from '../options.js'

type Runner = (options: { readonly root: string }) => Promise<unknown>

/** `mega worker`: the app's job workers, run by `@mega/jobs` (`runWorkers`). */
export async function workerCommand(parsed: ParsedArgs<'worker'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'worker')
  const run = (await requireExport(root, '@mega/jobs', 'runWorkers', 'mega worker')) as Runner
  await run({ root })
  return 0
}

/** `mega hub`: the central WebSocket hub of `@mega/ws-hub` (`runWsHubCli`). */
export async function hubCommand(parsed: ParsedArgs<'hub'>, io: CliIo): Promise<number> {
  const root =
    parsed.options.root === undefined ? io.cwd : findProjectRoot(io.cwd, parsed.options.root, 'hub')
  const run = (await requireExport(root, '@mega/ws-hub', 'runWsHubCli', 'mega hub')) as Runner
  await run({ root })
  return 0
}
