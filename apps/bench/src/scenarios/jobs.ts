// Durable jobs: enqueue/s, processed/s and enqueue → start latency of Mega's MegaJobQueue, raw
// JetStream and BullMQ, each in its own process (producer and consumer together, one clock).
import type { BenchCase, Contender, Goal, ScenarioContext } from '../harness/scenario.js'
import { defineScenario } from '../harness/scenario.js'
import { openJobsProcess, type JobsProcess } from '../load/jobs-process.js'
import type { JobsKind, JobsRoundResult } from '../load/jobs-types.js'
import { isReachable, serviceUrl, uniqueName } from '@mega/test-utils'

/** The contenders in the order they run in each round; raw JetStream is the reference. */
const KINDS: readonly { name: JobsKind; needs: 'nats' | 'redis' }[] = [
  { name: 'jetstream', needs: 'nats' },
  { name: 'mega', needs: 'nats' },
  { name: 'bullmq', needs: 'redis' },
]
/** Jobs per round (scaled down by --quick). */
const JOBS = 10_000
/** Enqueues in flight: a busy web tier enqueuing from many requests at once. */
const WINDOW = 100
/** Jobs running at once in the consumer. */
const CONCURRENCY = 50

const GOALS: readonly Goal[] = [
  { contender: 'mega', measure: 'ratio', atLeast: 0.8 },
  { contender: 'mega', measure: 'ratio', versus: 'bullmq', atLeast: 1.5 },
]

interface JobsState {
  readonly processes: Map<JobsKind, JobsProcess>
  readonly unavailable: Map<string, string>
  /** Each measured round's result, by contender, for the cases replaying the same rounds. */
  readonly rounds: Map<JobsKind, JobsRoundResult[]>
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

async function setup(ctx: ScenarioContext): Promise<JobsState> {
  const natsUrl = serviceUrl('nats') ?? 'nats://127.0.0.1:4222'
  const redisUrl = serviceUrl('redis') ?? 'redis://127.0.0.1:6379'
  const reachable = {
    nats: await isReachable('nats', natsUrl),
    redis: await isReachable('redis', redisUrl),
  }
  const state: JobsState = { processes: new Map(), unavailable: new Map(), rounds: new Map() }
  for (const k of KINDS) {
    if (!reachable[k.needs]) {
      state.unavailable.set(k.name, `${k.needs} does not answer (see MEGA_TEST_*_URL)`)
      continue
    }
    try {
      const proc = await openJobsProcess(ctx.distDir, { kind: k.name, natsUrl, redisUrl })
      state.processes.set(k.name, proc)
      // a check first: a round resolves only once every one of its jobs ran
      await proc.round({ name: uniqueName('BENCH_JOBS'), jobs: 20, window: 5, concurrency: 5 })
      ctx.log(`  ${k.name} runs jobs`)
    } catch (err) {
      state.unavailable.set(k.name, messageOf(err))
      ctx.log(`  ${k.name} unavailable: ${messageOf(err)}`)
    }
  }
  return state
}

async function teardown(state: JobsState): Promise<void> {
  await Promise.all([...state.processes.values()].map((p) => p.close()))
}

function missingNotes(state: JobsState): string[] {
  return [...state.unavailable].map(([name, why]) => `${name} could not run here: ${why}`)
}

/** A case replaying a measure of the rounds the enqueue case ran. */
function replay(state: JobsState, pick: (r: JobsRoundResult) => number): Contender[] {
  return [...state.processes.keys()].map((kind) => ({
    name: kind,
    run: async ({ round, warmup }) => {
      if (warmup) return 1
      const r = state.rounds.get(kind)?.[round]
      if (r === undefined) throw new Error(`the enqueue case measured no round ${round + 1}`)
      return pick(r)
    },
  }))
}

function cases(state: JobsState, ctx: ScenarioContext): BenchCase[] {
  const jobs = Math.max(200, Math.round(JOBS * ctx.iterationScale))
  const count = new Intl.NumberFormat('en-US').format(jobs)
  if (!state.processes.has('jetstream') || !state.processes.has('mega')) {
    const unavailable = `NATS JetStream is needed for the reference: ${missingNotes(state).join('; ')}`
    return [{ name: 'enqueue', unit: 'ops/s', contenders: [], unavailable }]
  }
  const enqueue: Contender[] = [...state.processes].map(([kind, proc]) => ({
    name: kind,
    run: async ({ round, warmup }) => {
      const r = await proc.round({
        name: uniqueName('BENCH_JOBS'),
        jobs,
        window: WINDOW,
        concurrency: CONCURRENCY,
      })
      if (!warmup) {
        const rounds = state.rounds.get(kind) ?? []
        rounds[round] = r
        state.rounds.set(kind, rounds)
      }
      return { value: r.jobs / r.enqueueSeconds, cpuMicrosPerOp: r.cpuMicros / r.jobs }
    },
  }))
  const base = { reference: 'jetstream' }
  return [
    {
      name: `enqueue (${count} jobs)`,
      unit: 'ops/s',
      ...base,
      contenders: enqueue,
      goals: GOALS,
      notes: [
        `A round enqueues ${count} jobs on a fresh queue (unique stream or queue name, deleted after) with ${WINDOW} enqueues in flight, while a consumer of ${CONCURRENCY} jobs at once runs them in the same process; enqueue/s = jobs / (last enqueue resolved − first enqueue called). The job does nothing but note when it started. CPU µs/op is the contender process's CPU (producer and consumer) per job; the NATS and Redis servers are not counted.`,
        'jetstream: a work-queue stream, `js.publish` of the JSON payload, a durable pull consumer with explicit ack and max_ack_pending 50, `consumer.consume({ max_messages: 50 })` with `m.json()` and `m.ack()`. mega: a `MegaJob` class (concurrency 50, other statics default) with `queue.process` and `queue.enqueue` (headers with trace context, payload checks, heartbeat, DLQ on failure). bullmq: `Queue.add` with removeOnComplete/removeOnFail, a `Worker` with concurrency 50, on the shared Redis.',
        ...missingNotes(state),
      ],
    },
    {
      name: `processed (${count} jobs)`,
      unit: 'ops/s',
      ...base,
      contenders: replay(state, (r) => r.jobs / r.processSeconds),
      goals: GOALS,
      notes: [
        'From the same rounds: jobs / (last job started − first enqueue called): the queue keeps up with its producer or falls behind it.',
      ],
    },
    {
      name: 'enqueue → start p50',
      unit: 'ms',
      ...base,
      contenders: replay(state, (r) => r.latencyP50Ms),
      notes: ['From the same rounds: enqueue called → the job handler starts, one clock.'],
    },
    {
      name: 'enqueue → start p99',
      unit: 'ms',
      ...base,
      contenders: replay(state, (r) => r.latencyP99Ms),
    },
  ]
}

export default defineScenario<JobsState>({
  name: 'jobs',
  title:
    'Durable jobs: enqueue/s, processed/s, enqueue → start latency (Mega, raw JetStream, BullMQ)',
  setup,
  contenders: cases,
  teardown,
})
