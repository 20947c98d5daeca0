// A load process forked by the harness and driven over IPC: the one way every fleet and queue
// process (ws-fleet, hub-fleet, jobs) is started, awaited and stopped.
import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

/** Forks `dist/<file>` with `spec` as its one argument, stderr shown, an IPC channel. */
export function forkLoadProcess(distDir: string, file: string, spec: unknown): ChildProcess {
  return fork(join(distDir, file), [JSON.stringify(spec)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: [],
  })
}

/**
 * The child's next message; rejects on its `{ type: 'error', message }` or when it exits first
 * (`what` names it in that error).
 */
export function nextMessage<M extends { readonly type: string }>(
  child: ChildProcess,
  what: string,
): Promise<M> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${what} exited (${code}) without an answer`))
    child.once('exit', onExit)
    child.once('message', (message: M) => {
      child.off('exit', onExit)
      if (message.type === 'error') reject(new Error((message as { message?: string }).message))
      else resolve(message)
    })
  })
}

/** Resolves once the child has exited (SIGKILL after 5 s). */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
