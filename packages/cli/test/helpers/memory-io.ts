import type { CliIo } from '../../src/io.js'

/** A CliIo that records what commands print. */
export function memoryIo(cwd: string, env: Record<string, string | undefined> = {}) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    cwd,
    env,
    isTTY: false,
  }
  return {
    io,
    get stdout() {
      return out.join('')
    },
    get stderr() {
      return err.join('')
    },
  }
}
