// `mega <command>` as a real process, the way a terminal runs it: in a process group of its own, so
// a test can send a signal to the command alone or to the whole group (Ctrl-C), and killed (group)
// after the test if it is still running.
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'
import { disposeAfterTest, userShellEnv } from '@mega/test-utils'

const bin = new URL('../../bin/mega.js', import.meta.url).pathname

/** A started `mega` process and its exit code (or `null` after a signal). */
export interface MegaProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  readonly exited: Promise<number | null>
}

/**
 * Runs `mega <command> --root <root>` with `PORT=<port>`, stdout and stderr piped.
 *
 * @example
 * const { child, exited } = spawnMega('dev', root, await freePort())
 */
export function spawnMega(command: string, root: string, port: number): MegaProcess {
  const child = spawn(process.execPath, [bin, command, '--root', root], {
    cwd: root,
    env: userShellEnv({ PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  disposeAfterTest(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
  })
  return { child, exited }
}
