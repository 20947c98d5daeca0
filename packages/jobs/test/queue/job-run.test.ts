import { describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { runJobAttempts, type JobRunSpec } from '../../src/queue/job-run.js'
import { resolveEnqueueOptions } from '../../src/queue/job-queue-types.js'

const retry = { retries: 2, minTimeout: 0, maxTimeout: 0, factor: 2, jitter: true } as const

function spec(run: (payload: unknown) => unknown, overrides: Partial<JobRunSpec> = {}): JobRunSpec {
  return { subject: 'probe', retry, runTimeoutMs: 0, run, ...overrides }
}

function recorder() {
  const events: { event: string; attempt?: number; retriesLeft?: number; error?: unknown }[] = []
  const emit = (event: string, payload: object) => void events.push({ event, ...payload })
  return { events, emit }
}

describe('runJobAttempts: the first attempt runs without the retry machinery', () => {
  it('returns a sync result without any retry event', async () => {
    const { events, emit } = recorder()
    const outcome = await runJobAttempts({ spec: spec(() => 42), seq: 1, payload: null, emit })
    expect(outcome).toEqual({ ok: true, result: 42 })
    expect(events).toEqual([])
  })

  it('a first sync throw enters the retries as attempt 1: same events, next attempt runs', async () => {
    const { events, emit } = recorder()
    let calls = 0
    const boom = new TypeError('first fails')
    const run = () => {
      calls++
      if (calls === 1) throw boom
      return Promise.resolve('second')
    }
    const outcome = await runJobAttempts({ spec: spec(run), seq: 7, payload: null, emit })
    expect(outcome).toEqual({ ok: true, result: 'second' })
    expect(calls).toBe(2)
    expect(events).toMatchObject([{ event: 'retry', attempt: 1, retriesLeft: 2, error: boom }])
  })

  it('a rejecting run is tried retries + 1 times and fails with the last error', async () => {
    const { events, emit } = recorder()
    let calls = 0
    const run = () => Promise.reject(new Error(`attempt ${++calls}`))
    const outcome = await runJobAttempts({ spec: spec(run), seq: 3, payload: null, emit })
    expect(calls).toBe(3)
    expect(outcome.ok === false && outcome.error.message).toBe('attempt 3')
    expect(events.map((e) => [e.attempt, e.retriesLeft])).toEqual([
      [1, 2],
      [2, 1],
    ])
  })

  it('retries 0: one call, no retry event; the wrap sees the attempts once', async () => {
    const { events, emit } = recorder()
    let calls = 0
    let wrapped = 0
    const outcome = await runJobAttempts({
      spec: spec(() => Promise.reject(new Error(`no ${++calls}`)), {
        retry: { ...retry, retries: 0 },
      }),
      seq: 4,
      payload: null,
      emit,
      wrap: (attempts) => (wrapped++, attempts()),
    })
    expect([calls, wrapped, events.length]).toEqual([1, 1, 0])
    expect(outcome.ok === false && outcome.error.message).toBe('no 1')
  })
})

describe('resolveEnqueueOptions', () => {
  it('passes none and plain valid options through without copying', () => {
    expect(resolveEnqueueOptions(undefined, 'enqueue options', 'x')).toEqual({})
    const given = { delayMs: 0, dedupeId: 'a' }
    expect(resolveEnqueueOptions(given, 'enqueue options', 'x')).toBe(given)
  })

  it.each([
    [{ delayMs: -1 }],
    [{ delayMs: 1.5 }],
    [{ delayMs: Number.NaN }],
    [{ dedupeId: '' }],
    [{ dedupeId: 3 }],
    [{ delay: 5 }],
    [[]],
    [null],
  ])('refuses %j with MEGA_CONFIG_INVALID naming the job', (options) => {
    let err: unknown
    try {
      resolveEnqueueOptions(options as never, 'enqueue options', 'send-email')
    } catch (e) {
      err = e
    }
    expect(MegaError.is(err) && err.code).toBe('MEGA_CONFIG_INVALID')
    expect((err as Error).message).toContain('enqueue options of job "send-email"')
  })
})
