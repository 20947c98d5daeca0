// Chaos: jobs on a private JetStream server while worker processes are SIGKILLed and the server
// itself is stopped and started again. Every job must end done or in the DLQ (none lost), and each
// death may repeat no more runs than were in flight when it happened. The figures are printed.
// CI runs the full 10,000 tiny jobs (about 40 s here); MEGA_CHAOS_JOBS sets another count, and
// MEGA_CHAOS_NATS_SIGNAL=SIGKILL crashes the server instead (see the README's Chaos section).
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import {
  canStartNatsServer,
  disposeAfterTest,
  requireService,
  startNatsServer,
  uniqueName,
  type PrivateNatsServer,
} from '@mega/test-utils'
import { MegaJob, MegaJobQueue } from '../../src/index.js'
import {
  countChaos,
  startChaosWorker,
  type ChaosDeath,
  type ChaosWorker,
  type ChaosWorkerEnv,
} from './chaos-fixture.js'

const redisService = await requireService('redis')
const hasNats = canStartNatsServer('the jobs chaos test')
const JOBS = Number(process.env.MEGA_CHAOS_JOBS ?? 10_000)
if (!Number.isInteger(JOBS) || JOBS < 100)
  throw new Error(
    `MEGA_CHAOS_JOBS must be an integer of at least 100, got ${process.env.MEGA_CHAOS_JOBS}`,
  )
const WORKERS = 4
/** The consumer's max_ack_pending: at most this many jobs are in flight at any moment. */
const CONCURRENCY = 32
const ACK_WAIT_MS = 4000
/** Every 1000th job throws and goes to the DLQ. */
const FAIL_EVERY = 1000
/** Progress (share of jobs done) at which a worker is killed, and the NATS server restarted. */
const KILLS_AT = [0.1, 0.2, 0.35, 0.65, 0.8]
const RESTART_AT = 0.5
const DRAIN_TIMEOUT_MS = 90_000
/** How the server is stopped before it starts again: SIGTERM (a clean restart) or SIGKILL (a crash). */
const NATS_SIGNAL = process.env.MEGA_CHAOS_NATS_SIGNAL === 'SIGKILL' ? 'SIGKILL' : 'SIGTERM'

/** The enqueuing side's view of the worker's job (test/fixtures/chaos-worker.mjs). */
class ChaosJob extends MegaJob<{ id: number }> {
  static override subject = 'chaos'
  run(): void {}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Enqueues ids 1..jobs, 200 at a time; a publish refused while NATS restarts is sent again. */
async function enqueueAll(queue: MegaJobQueue, jobs: number): Promise<void> {
  const one = async (id: number) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await queue.enqueue(ChaosJob, { id }, { dedupeId: `job-${id}` })
      } catch (err) {
        if (attempt >= 100) throw err
        await sleep(100)
      }
    }
  }
  for (let first = 1; first <= jobs; first += 200) {
    const ids = Array.from({ length: Math.min(200, jobs - first + 1) }, (_, i) => first + i)
    await Promise.all(ids.map(one))
  }
}

/** The run's resources: the private server, Redis keys, the enqueuing queue and its names. */
async function setUp(nats: PrivateNatsServer) {
  const prefix = uniqueName('chaos').toUpperCase()
  const env: ChaosWorkerEnv = {
    NATS_URL: nats.url,
    REDIS_URL: redisService.url ?? 'redis://127.0.0.1:6379',
    STREAM_PREFIX: prefix,
    RUNS_KEY: `${prefix}:runs`,
    LOG_KEY: `${prefix}:log`,
    CONCURRENCY: String(CONCURRENCY),
    ACK_WAIT_MS: String(ACK_WAIT_MS),
    FAIL_EVERY: String(FAIL_EVERY),
  }
  const redis = new Redis(env.REDIS_URL)
  disposeAfterTest(async () => {
    await redis.del(env.RUNS_KEY, env.LOG_KEY)
    redis.disconnect()
  })
  const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
  disposeAfterTest(() => nc.close())
  const queue = new MegaJobQueue({ nc, streamPrefix: prefix, ackWaitMs: ACK_WAIT_MS })
  /** Messages in a stream; -1 while the restarted server does not answer yet. */
  const messages = async (stream: string) => {
    const jsm = await jetstreamManager(nc)
    return (await jsm.streams.info(stream).catch(() => undefined))?.state.messages ?? -1
  }
  const expectedDlq = Math.floor(JOBS / FAIL_EVERY)
  return {
    env,
    redis,
    queue,
    /** Messages still in the work stream (acked ones leave it). */
    left: () => messages(prefix),
    /** Every job is done or in the DLQ, going by the counts. */
    accounted: async () =>
      (await redis.hlen(env.RUNS_KEY)) === JOBS - expectedDlq &&
      (await messages(`${prefix}_DLQ`)) >= expectedDlq,
  }
}

/** The chaos of one run: kills, the restart, replacements, and what happened when. */
function chaosPlan(nats: PrivateNatsServer, env: ChaosWorkerEnv, started: number) {
  let made = 0
  const spawnWorker = () => startChaosWorker(env, `w${++made}`)
  const workers: ChaosWorker[] = []
  const replacements: Promise<void>[] = []
  const deaths: ChaosDeath[] = []
  const events: string[] = []
  const when = (progress: string) => `at ${progress} % done (${Date.now() - started} ms)`
  const kill = async (progress: string) => {
    const victim = workers.shift()
    if (victim === undefined) throw new Error('no worker left to kill')
    await victim.kill()
    deaths.push({ who: victim.name, at: Date.now(), duplicates: 0 })
    events.push(`SIGKILL ${victim.name} ${when(progress)}`)
    // the replacement starts in the background: the chaos goes on while it boots
    replacements.push(spawnWorker().then((w) => void workers.push(w)))
  }
  const restart = async (progress: string) => {
    await nats.restart(NATS_SIGNAL)
    // runs until the server is back may have lost their ack: `at` is the end of the outage
    deaths.push({ who: 'nats', at: Date.now(), duplicates: 0 })
    events.push(`nats-server stopped (${NATS_SIGNAL}) and started again ${when(progress)}`)
  }
  const plan = [...KILLS_AT.map((at) => ({ at, act: kill })), { at: RESTART_AT, act: restart }]
  plan.sort((a, b) => a.at - b.at)
  return {
    workers,
    deaths,
    events,
    started: () => made,
    start: async () =>
      workers.push(...(await Promise.all(Array.from({ length: WORKERS }, spawnWorker)))),
    /** Runs the next step once `progress` (0–1) reaches it; `false` once every step ran. */
    step: async (progress: number) => {
      const next = plan[0]
      if (next !== undefined && progress >= next.at) {
        plan.shift()
        await next.act((progress * 100).toFixed(0))
      }
      return plan.length > 0
    },
    end: async () => {
      await Promise.all(replacements)
      await Promise.all(workers.map((w) => w.kill()))
    },
  }
}

describe.runIf(redisService.available && hasNats)(
  'MegaJobQueue under chaos (own nats-server)',
  () => {
    it(`${JOBS} jobs, ${WORKERS} workers, ${KILLS_AT.length} SIGKILLs and a NATS restart: none lost`, async () => {
      const started = Date.now()
      const nats = await startNatsServer({ jetstream: true })
      const { env, redis, queue, left, accounted } = await setUp(nats)
      const chaos = chaosPlan(nats, env, started)
      await chaos.start()
      let enqueued = false
      const enqueuing = enqueueAll(queue, JOBS).then(() => {
        enqueued = true
        chaos.events.push(`all enqueued (${Date.now() - started} ms)`)
      })
      const expectedDone = JOBS - Math.floor(JOBS / FAIL_EVERY)
      const deadline = Date.now() + DRAIN_TIMEOUT_MS
      let pending = true
      while (Date.now() < deadline) {
        await sleep(50)
        pending = await chaos.step((await redis.hlen(env.RUNS_KEY)) / expectedDone)
        if (!enqueued || pending) continue
        if ((await left()) === 0) break
        // after a crash of the server, acked jobs may stay in the stream: stop once all are counted
        if (NATS_SIGNAL === 'SIGKILL' && (await accounted())) {
          await sleep(2 * ACK_WAIT_MS) // late redeliveries still show as duplicates
          break
        }
      }
      await enqueuing
      const seconds = (Date.now() - started) / 1000
      await chaos.end()

      const { deaths } = chaos
      const count = await countChaos({ redis, env, queue, jobs: JOBS, deaths })
      const stuck = await left()
      console.log(
        [
          `chaos: ${JOBS} jobs, ${WORKERS} worker processes (${chaos.started()} started), at most ${CONCURRENCY} in flight (max_ack_pending), ackWait ${ACK_WAIT_MS} ms, ${seconds.toFixed(1)} s`,
          ...chaos.events.map((e) => `  ${e}`),
          `  done ${count.done}, DLQ ${count.dlq} (expected ${JOBS - expectedDone}), lost ${count.lost.length}, left in the work stream ${stuck}`,
          `  duplicates ${count.duplicates}: ${deaths.map((d) => `${d.duplicates} after ${d.who}`).join(', ')}, ${count.unexplained.length} unexplained`,
        ].join('\n'),
      )
      expect(pending).toBe(false)
      expect(deaths.length).toBe(KILLS_AT.length + 1)
      expect(count.lost).toEqual([])
      expect(count.unexpectedDlq).toEqual([])
      expect(count.done).toBe(expectedDone)
      expect(count.dlq).toBe(JOBS - expectedDone)
      expect(count.unexplained).toEqual([])
      if (NATS_SIGNAL === 'SIGKILL') return // what a crashed server replays is reported, not bounded
      // each death repeats at most the runs it interrupted: never more than were in flight
      for (const d of deaths) expect(d.duplicates, d.who).toBeLessThanOrEqual(CONCURRENCY)
      expect(stuck).toBe(0)
    }, 150_000)
  },
)
