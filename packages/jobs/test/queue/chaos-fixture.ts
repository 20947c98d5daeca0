// Helpers of job-queue-chaos.int.test.ts: worker processes that can be SIGKILLed, and the exact
// count of what ran, read back from Redis and the DLQ stream.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Redis } from 'ioredis'
import { disposeAfterTest, userShellEnv } from '@mega/test-utils'
import type { MegaJobQueue } from '../../src/index.js'

const fixture = fileURLToPath(new URL('../fixtures/chaos-worker.mjs', import.meta.url))
const cwd = fileURLToPath(new URL('../..', import.meta.url))

/** What every worker process of one chaos run shares. */
export interface ChaosWorkerEnv {
  readonly NATS_URL: string
  readonly REDIS_URL: string
  readonly STREAM_PREFIX: string
  readonly RUNS_KEY: string
  readonly LOG_KEY: string
  readonly CONCURRENCY: string
  readonly ACK_WAIT_MS: string
  readonly FAIL_EVERY: string
}

/** One worker process (test/fixtures/chaos-worker.mjs). */
export interface ChaosWorker {
  readonly name: string
  readonly child: ChildProcess
  output: string
  /** SIGKILLs it and resolves once it has exited. */
  kill(): Promise<void>
}

/** Starts the worker named `name` and resolves once its consumer runs. */
export function startChaosWorker(env: ChaosWorkerEnv, name: string): Promise<ChaosWorker> {
  const child = spawn(process.execPath, [fixture], {
    cwd,
    env: userShellEnv({ ...env, WORKER: name }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()))
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  disposeAfterTest(kill)
  const worker: ChaosWorker = { name, child, output: '', kill }
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      worker.output += chunk.toString()
      if (worker.output.includes('{"ready":true}')) resolve(worker)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then(() => reject(new Error(`worker ${name} exited early:\n${worker.output}`)))
  })
}

/** Something that died during the run: a worker (SIGKILL) or the NATS server (restart). */
export interface ChaosDeath {
  /** `w3` for a worker, `nats` for the server. */
  readonly who: string
  /** When it died, epoch ms. */
  readonly at: number
  /** Runs of jobs that had run before it and ran again after it (see {@link countChaos}). */
  duplicates: number
}

/** What one chaos run did, counted exactly. */
export interface ChaosCount {
  /** Jobs whose run completed at least once. */
  readonly done: number
  /** Jobs in the DLQ (distinct ids). */
  readonly dlq: number
  /** Ids neither done nor in the DLQ. */
  readonly lost: number[]
  /** Runs and DLQ entries beyond the first of each job. */
  readonly duplicates: number
  /** Duplicate runs no death explains (a run again with no kill or restart in between). */
  readonly unexplained: string[]
  /** Ids in the DLQ that were expected to succeed. */
  readonly unexpectedDlq: number[]
}

/** The ids of the DLQ entries, one per entry (so a job dead-lettered twice shows twice). */
export async function dlqIds(queue: MegaJobQueue): Promise<number[]> {
  const ids: number[] = []
  let after = 0
  for (;;) {
    const page = await queue.dlq.list({ limit: 1000, after })
    for (const e of page.entries) ids.push((e.envelope.payload as { id: number }).id)
    if (page.next === undefined) return ids
    after = page.next
  }
}

/**
 * The death a repeated run is owed to: the latest one between the job's first run and this one,
 * that could have lost the first run's ack (the worker that ran it, or the server).
 */
function blame(
  deaths: readonly ChaosDeath[],
  first: { worker: string; at: number },
  again: number,
): ChaosDeath | undefined {
  return deaths
    .filter(
      (d) => d.at >= first.at && d.at <= again && (d.who === 'nats' || d.who === first.worker),
    )
    .at(-1)
}

/**
 * Counts done, DLQ, lost and duplicate jobs of ids `1..jobs`, and adds each duplicate run to the
 * `duplicates` of the death it is owed to.
 */
export async function countChaos(input: {
  readonly redis: Redis
  readonly env: ChaosWorkerEnv
  readonly queue: MegaJobQueue
  readonly jobs: number
  readonly deaths: readonly ChaosDeath[]
}): Promise<ChaosCount> {
  const { redis, env, jobs, deaths } = input
  const runs = await redis.hgetall(env.RUNS_KEY)
  const log = await redis.lrange(env.LOG_KEY, 0, -1)
  const dlq = await dlqIds(input.queue)
  const failEvery = Number(env.FAIL_EVERY)
  const dlqSet = new Set(dlq)
  const lost: number[] = []
  for (let id = 1; id <= jobs; id++) if (runs[id] === undefined && !dlqSet.has(id)) lost.push(id)
  const extraRuns = Object.values(runs).reduce((sum, n) => sum + Number(n) - 1, 0)
  const firstRun = new Map<string, { worker: string; at: number }>()
  const unexplained: string[] = []
  for (const entry of log) {
    const [id = '', worker = '', at = '0'] = entry.split(':')
    const first = firstRun.get(id)
    if (first === undefined) {
      firstRun.set(id, { worker, at: Number(at) })
      continue
    }
    const death = blame(deaths, first, Number(at))
    if (death === undefined)
      unexplained.push(`job ${id}: ${first.worker} at ${first.at}, again ${worker} at ${at}`)
    else death.duplicates++
  }
  return {
    done: Object.keys(runs).length,
    dlq: dlqSet.size,
    lost,
    duplicates: extraRuns + dlq.length - dlqSet.size,
    unexplained,
    unexpectedDlq: [...dlqSet].filter((id) => id % failEvery !== 0),
  }
}
