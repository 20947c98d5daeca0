// The harness's side of a job queue process: forks jobs-worker.js and talks to it over IPC.
import { exited, forkLoadProcess, nextMessage } from './ipc-child.js'
import type { JobsMessage, JobsRoundCommand, JobsRoundResult, JobsSpec } from './jobs-types.js'

/** A connected job queue process. */
export interface JobsProcess {
  /** Runs one round; rejects when it fails. */
  round(command: Omit<JobsRoundCommand, 'type'>): Promise<JobsRoundResult>
  /** Closes its connections; resolves once the process has exited. */
  close(): Promise<void>
}

/** Forks a job queue process of `spec.kind` and resolves once it is connected. */
export async function openJobsProcess(distDir: string, spec: JobsSpec): Promise<JobsProcess> {
  const child = forkLoadProcess(distDir, 'load/jobs-worker.js', spec)
  try {
    await nextMessage<JobsMessage>(child, 'the job queue process')
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return {
    round: async (command) => {
      const answer = nextMessage<JobsMessage>(child, 'the job queue process')
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
