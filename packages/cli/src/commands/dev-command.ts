import type { CliIo } from '../io.js'
import { LOADER_ENV, loaderArgs } from '../internal/loader.js'
import { findProjectRoot } from '../internal/project.js'
import { runProcess } from '../internal/run-process.js'
import type { ParsedArgs } from '../options.js'

/** The `node` command line of `mega dev`: Node's watch mode over `mega start --source` (never a build), TypeScript via tsx. */
export function devCommandLine(root: string): string[] {
  return loaderArgs(['start', '--root', root, '--source'], ['--watch', '--watch-preserve-output'])
}

/**
 * The environment of the app `mega dev` runs: `NODE_ENV=development` and, on a terminal, pretty log
 * lines (`MEGA_LOG_PRETTY=1`), unless either is set already. `mega start` keeps JSON lines.
 */
export function devEnv(io: Pick<CliIo, 'env' | 'isTTY'>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...io.env,
    NODE_ENV: io.env.NODE_ENV ?? 'development',
    ...(io.isTTY && io.env.MEGA_LOG_PRETTY === undefined ? { MEGA_LOG_PRETTY: '1' } : {}),
    [LOADER_ENV]: '1',
  }
}

/**
 * `mega dev`: runs the app with Node's `--watch` (restarted when the config, a route, a service or
 * anything they import changes; SIGTERM gives it a graceful shutdown first), `NODE_ENV=development`.
 * SIGTERM, SIGINT or SIGHUP to `mega dev` reach the watcher, which stops the app: nothing is left on
 * the port.
 */
export async function devCommand(parsed: ParsedArgs<'dev'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'dev')
  const env = devEnv(io)
  const result = await runProcess(process.execPath, devCommandLine(root), {
    cwd: root,
    env,
    forwardSignals: true,
  })
  return result.code
}
