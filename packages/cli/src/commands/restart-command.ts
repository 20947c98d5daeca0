import { resolve } from 'node:path'
import { cliError } from '../errors.js'
import type { CliIo } from '../io.js'
import { findProjectRoot } from '../internal/project.js'
import type { ParsedArgs } from '../options.js'
import { readPid } from './start-command.js'

/** The slice of `process` `mega restart` uses: `kill(pid, 0)` probes, `kill(pid, 'SIGHUP')` asks. */
export interface SignalSender {
  kill(pid: number, signal?: string | number): unknown
}

/**
 * `mega restart`: sends SIGHUP to the primary of a running `mega start` cluster (its pid is in the
 * pid file), which replaces every worker one at a time; returns at once (the primary logs the
 * outcome). No pid file or a dead pid is `MEGA_CLI_NOT_RUNNING`.
 */
export async function restartCommand(
  parsed: ParsedArgs<'restart'>,
  io: CliIo,
  proc: SignalSender = process,
): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'restart')
  const pidFile = resolve(root, parsed.options.pidFile)
  const pid = readPid(pidFile)
  if (pid === undefined)
    throw cliError(
      'MEGA_CLI_NOT_RUNNING',
      `mega restart: no pid in ${pidFile}: start the app with "mega start" and server.workers above 1 (or pass --pid-file).`,
    )
  try {
    proc.kill(pid, 0)
  } catch {
    throw cliError(
      'MEGA_CLI_NOT_RUNNING',
      `mega restart: no process ${pid} (from ${pidFile}) is running: start the app with "mega start".`,
    )
  }
  proc.kill(pid, 'SIGHUP')
  io.stdout(
    `mega restart: asked primary ${pid} to replace its workers one at a time (see its log)\n`,
  )
  return 0
}
