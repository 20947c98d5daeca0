// The harness's side of a job queue process: forks jobs-worker.js and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import type { JobsMessage, JobsRoundCommand, JobsRoundResult, JobsSpec } from './jobs-types.js'

/** A connected job queue process. */
export interface JobsProcess {
  /** Runs one round; rejects when it fails. */
  round(command: Omit<JobsRoundCommand, 'type'>): Promise<JobsRoundResult>
  /** Closes its connections; resolves once the process has exited. */
  close(): Promise<void>
}

function nextMessage(child: ChildProcess): Promise<JobsMessage> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the job queue process exited (${code}) without an answer`))
    child.once('exit', onExit)
    child.once('message', (message: JobsMessage) => {
      child.off('exit', onExit)
      if (message.type === 'error') reject(new Error(message.message))
      else resolve(message)
    })
  })
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Forks a job queue process of `spec.kind` and resolves once it is connected. */
export async function openJobsProcess(distDir: string, spec: JobsSpec): Promise<JobsProcess> {
  const child = fork(join(distDir, 'load/jobs-worker.js'), [JSON.stringify(spec)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: [],
  })
  try {
    await nextMessage(child)
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return {
    round: async (command) => {
      const answer = nextMessage(child)
      child.send({ type: 'round', ...command } satisfies JobsRoundCommand)
      const message = await answer
      if (message.type !== 'round')
        throw new Error(`the job queue process answered ${message.type}`)
      return message
    },
    close: async () => {
      if (child.connected) child.send({ type: 'close' })
      await exited(child)
    },
  }
}
