import { afterEach, describe, expect, it, vi } from 'vitest'
import { caught, disposeAfterTest } from '@mega/test-utils'
import {
  MegaJob,
  MemoryJobQueue,
  MEMORY_QUEUE_WARNING_CODE,
  type MemoryJobQueueConfig,
} from '../../src/index.js'
import { recordEvents } from './queue-fixture.js'

const fast = { type: 'exponential', initial: 1, max: 5 } as const
const FIXED_NOW = Date.parse('2026-12-06T10:00:00.000Z')

/** A promise the test opens when it wants. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

function openMemoryQueue(config: MemoryJobQueueConfig = {}): MemoryJobQueue {
  const queue = new MemoryJobQueue({ now: () => FIXED_NOW, ...config })
  disposeAfterTest(() => queue.close())
  return queue
}

class EchoJob extends MegaJob<{ n: number }, { tag: string } | undefined, string> {
  static override backoff = fast
  run(payload: { n: number }, ctx: { tag: string } | undefined): string {
    return `${ctx?.tag ?? ''}${payload.n * 2}`
  }
}

let failUntil = 0
let runs = 0
class FlakyJob extends MegaJob<{ id: number }> {
  static override retries = 2
  static override backoff = fast
  run(payload: { id: number }): string {
    runs++
    if (runs <= failUntil) {
      const err = new RangeError(`flaky ${payload.id}`)
      err.stack = `RangeError: flaky\n${'x'.repeat(5000)}`
      throw err
    }
    return `ok ${payload.id}`
  }
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('MemoryJobQueue', () => {
  it('runs a job with the instance and ctx given to process: start, then done with the result', async () => {
    const queue = openMemoryQueue()
    const seen = recordEvents(queue)
    const early = await queue.enqueue(EchoJob, { n: 1 }) // queued before process: waits for it
    const worker = await queue.process(EchoJob, new EchoJob(), { tag: '#' })
    const late = await queue.enqueue(EchoJob, { n: 21 })
    expect([early, late]).toEqual([
      { subject: 'echo', seq: 1, duplicate: false },
      { subject: 'echo', seq: 2, duplicate: false },
    ])
    expect(await seen.next('done', 2)).toEqual([
      { subject: 'echo', seq: 1, result: '#2' },
      { subject: 'echo', seq: 2, result: '#42' },
    ])
    expect(seen.of('start')).toEqual([
      { subject: 'echo', seq: 1, deliveryCount: 1 },
      { subject: 'echo', seq: 2, deliveryCount: 1 },
    ])
    expect(await worker.stop()).toEqual({ pending: 0 })
  })

  it('runs a job with a copy of its JSON payload and refuses what JSON cannot hold', async () => {
    const payloads: unknown[] = []
    class KeepJob extends MegaJob {
      run(payload: unknown): void {
        payloads.push(payload)
      }
    }
    const queue = openMemoryQueue()
    const seen = recordEvents(queue)
    await queue.process(KeepJob)
    const sent = { when: new Date(FIXED_NOW), skip: undefined, list: [1] }
    await queue.enqueue(KeepJob, sent)
    sent.list.push(2) // a change after enqueue does not reach the run
    await seen.next('done')
    expect(payloads).toEqual([{ when: '2026-12-06T10:00:00.000Z', list: [1] }])
    expect((await caught(queue.enqueue(KeepJob, 10n))).code).toBe('MEGA_JOB_PAYLOAD_INVALID')
    expect((await caught(queue.enqueue(KeepJob, undefined))).code).toBe('MEGA_JOB_PAYLOAD_INVALID')
    expect((await caught(queue.enqueue(KeepJob, 1, { delayMs: -1 }))).code).toBe(
      'MEGA_CONFIG_INVALID',
    )
    expect(seen.of('start')).toHaveLength(1)
  })

  it('retries a failing job, then puts it in the DLQ with the exact envelope', async () => {
    runs = 0
    failUntil = 3
    const queue = openMemoryQueue()
    const seen = recordEvents(queue)
    await queue.process(FlakyJob)
    const { seq } = await queue.enqueue(FlakyJob, { id: 7 })
    const [dlq] = await seen.next('dlq')
    expect(seen.names()).toEqual(['start', 'retry', 'retry', 'fail', 'dlq'])
    expect(seen.of('retry').map((r) => [r.seq, r.attempt, r.retriesLeft])).toEqual([
      [seq, 1, 2],
      [seq, 2, 1],
    ])
    const [fail] = seen.of('fail')
    expect(fail).toMatchObject({ subject: 'flaky', seq, phase: 'run' })
    expect(fail?.error).toBeInstanceOf(RangeError)
    expect(dlq).toEqual({
      subject: 'flaky',
      seq,
      dlqSubject: 'MEGA_JOBS.flaky.dlq',
      dlqSeq: 1,
      error: fail?.error,
    })
    const page = await queue.dlq.list()
    expect(page).toEqual({
      entries: [
        {
          seq: 1,
          subject: 'flaky',
          phase: 'run',
          envelope: {
            originalSubject: 'MEGA_JOBS.flaky',
            failedAt: '2026-12-06T10:00:00.000Z',
            deliveryCount: 1,
            error: {
              name: 'RangeError',
              message: 'flaky 7',
              stack: `RangeError: flaky\n${'x'.repeat(4000 - 18)}\n…[1018 more characters]`,
            },
            payload: { id: 7 },
          },
        },
      ],
      next: undefined,
    })
    expect(await queue.dlq.show(1)).toEqual(page.entries[0])
    expect((await caught(queue.dlq.show(2))).code).toBe('MEGA_JOB_DLQ_ENTRY_NOT_FOUND')
  })

  it('redrives one DLQ entry or all of them: each runs again and leaves the DLQ', async () => {
    runs = 0
    failUntil = 9 // three jobs × three attempts
    const queue = openMemoryQueue()
    const seen = recordEvents(queue)
    await queue.process(FlakyJob)
    await queue.enqueueMany(FlakyJob, [
      { payload: { id: 1 } },
      { payload: { id: 2 } },
      { payload: { id: 3 } },
    ])
    await seen.next('dlq', 3)
    expect(await queue.dlq.redrive(2)).toEqual({
      redriven: [{ dlqSeq: 2, subject: 'flaky', seq: 4 }],
      failed: [],
    })
    expect(await seen.next('done')).toEqual([{ subject: 'flaky', seq: 4, result: 'ok 2' }])
    expect((await queue.dlq.list()).entries.map((e) => e.seq)).toEqual([1, 3])
    expect((await caught(queue.dlq.redrive(2))).code).toBe('MEGA_JOB_DLQ_ENTRY_NOT_FOUND')
    expect(await queue.dlq.redrive('all')).toEqual({
      redriven: [
        { dlqSeq: 1, subject: 'flaky', seq: 5 },
        { dlqSeq: 3, subject: 'flaky', seq: 6 },
      ],
      failed: [],
    })
    const done = await seen.next('done', 3)
    expect(done.map((d) => d.result)).toEqual(['ok 2', 'ok 1', 'ok 3'])
    expect(await queue.dlq.list()).toEqual({ entries: [], next: undefined })
  })

  it('pages the DLQ, filters it by subject and purges it', async () => {
    class FailJob extends MegaJob {
      static override retries = 0
      run(): void {
        throw new Error('no')
      }
    }
    class OtherFailJob extends FailJob {}
    const queue = openMemoryQueue()
    const seen = recordEvents(queue)
    await queue.process(FailJob)
    await queue.process(OtherFailJob)
    await queue.enqueueMany(FailJob, [{ payload: 1 }, { payload: 2 }])
    await seen.next('dlq', 2)
    await queue.enqueueMany(OtherFailJob, [{ payload: 3 }])
    await seen.next('dlq', 3)
    const first = await queue.dlq.list({ limit: 2 })
    expect(first.entries.map((e) => e.seq)).toEqual([1, 2])
    expect(first.next).toBe(2)
    const second = await queue.dlq.list({ limit: 2, after: 2 })
    expect([second.entries.map((e) => e.seq), second.next]).toEqual([[3], undefined])
    const others = await queue.dlq.list({ subject: 'other-fail' })
    expect(others.entries.map((e) => e.envelope.payload)).toEqual([3])
    expect((await caught(queue.dlq.list({ limit: 0 }))).code).toBe('MEGA_CONFIG_INVALID')
    expect(await queue.dlq.purge({ subject: 'fail' })).toEqual({ purged: 2 })
    expect(await queue.dlq.purge()).toEqual({ purged: 1 })
    expect((await queue.dlq.list()).entries).toEqual([])
  })

  it('drops a second enqueue with the same dedupeId within the duplicate window only', async () => {
    let now = FIXED_NOW
    const queue = openMemoryQueue({ now: () => now, duplicateWindowMs: 1000 })
    const seen = recordEvents(queue)
    await queue.process(EchoJob)
    const a = await queue.enqueue(EchoJob, { n: 1 }, { dedupeId: 'x' })
    const b = await queue.enqueue(EchoJob, { n: 2 }, { dedupeId: 'x' })
    now += 999
    const c = await queue.enqueue(EchoJob, { n: 3 }, { dedupeId: 'x' })
    now += 1
    const d = await queue.enqueue(EchoJob, { n: 4 }, { dedupeId: 'x' })
    expect([a, b, c, d].map((r) => [r.seq, r.duplicate])).toEqual([
      [1, false],
      [1, true],
      [1, true],
      [2, false],
    ])
    expect((await seen.next('done', 2)).map((e) => e.result)).toEqual(['2', '8'])
    expect(seen.of('start')).toHaveLength(2)
  })

  it('enqueueMany returns one result per item, a failure in its slot', async () => {
    const queue = openMemoryQueue()
    const results = await queue.enqueueMany(EchoJob, [
      { payload: { n: 1 } },
      { payload: { n: 10n } as never },
      { payload: { n: 2 }, options: { dedupeId: '' } },
      { payload: { n: 3 }, options: { dedupeId: 'once' } },
      { payload: { n: 4 }, options: { dedupeId: 'once' } },
    ])
    expect(results.map((r) => (r.ok ? [r.seq, r.duplicate] : r.error.code))).toEqual([
      [1, false],
      'MEGA_JOB_PAYLOAD_INVALID',
      'MEGA_CONFIG_INVALID',
      [2, false],
      [2, true],
    ])
    expect(results[0]).toEqual({ ok: true, subject: 'echo', seq: 1, duplicate: false })
  })

  it('runs a delayed job after the ones that are ready', async () => {
    const queue = openMemoryQueue({ now: Date.now })
    const seen = recordEvents(queue)
    await queue.enqueue(EchoJob, { n: 1 }, { delayMs: 30 })
    await queue.enqueue(EchoJob, { n: 2 })
    await queue.process(EchoJob)
    expect((await seen.next('done', 2)).map((e) => e.seq)).toEqual([2, 1])
  })

  for (const concurrency of [1, 2]) {
    it(`runs ${concurrency} job(s) at once with static concurrency = ${concurrency}, in enqueue order`, async () => {
      const log: string[] = []
      const release = gate()
      class SlowJob extends MegaJob<number> {
        static override concurrency = concurrency
        async run(n: number): Promise<void> {
          log.push(`start ${n}`)
          await release.opened
          log.push(`end ${n}`)
        }
      }
      const queue = openMemoryQueue()
      const seen = recordEvents(queue)
      await queue.process(SlowJob)
      await queue.enqueueMany(SlowJob, [{ payload: 1 }, { payload: 2 }, { payload: 3 }])
      await seen.next('start', concurrency)
      await new Promise((resolve) => setImmediate(resolve))
      release.open()
      await seen.next('done', 3)
      expect(log).toEqual(
        concurrency === 1
          ? ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']
          : ['start 1', 'start 2', 'end 1', 'end 2', 'start 3', 'end 3'],
      )
    })
  }

  it('a run past its timeout goes to the DLQ; its later failure is reported as abandoned-run', async () => {
    const release = gate()
    class HangJob extends MegaJob {
      static override retries = 0
      static override timeoutMs = 20
      async run(): Promise<void> {
        await release.opened
        throw new Error('late failure')
      }
    }
    const queue = openMemoryQueue()
    const seen = recordEvents(queue)
    await queue.process(HangJob)
    await queue.enqueue(HangJob, null)
    await seen.next('dlq')
    expect(seen.names()).toEqual(['start', 'fail', 'dlq'])
    const [timeout] = seen.of('fail')
    expect(timeout).toMatchObject({ subject: 'hang', seq: 1, phase: 'run' })
    expect(timeout?.error).toMatchObject({ code: 'MEGA_JOB_RUN_TIMEOUT' })
    expect((await queue.dlq.show(1)).envelope.error.message).toContain(
      'did not finish within 20 ms',
    )
    release.open()
    const fails = await seen.next('fail', 2)
    expect(fails[1]).toMatchObject({ subject: 'hang', seq: 1, phase: 'abandoned-run' })
    expect(fails[1]?.error.message).toBe('late failure')
  })

  it('the queue runTimeoutMs applies unless the job sets its own timeoutMs; 0 is unlimited', async () => {
    const release = gate()
    class WaitJob extends MegaJob {
      static override retries = 0
      async run(): Promise<string> {
        await release.opened
        return 'finished'
      }
    }
    class UnlimitedJob extends WaitJob {
      static override timeoutMs = 0
    }
    const queue = openMemoryQueue({ runTimeoutMs: 20 })
    const seen = recordEvents(queue)
    await queue.process(WaitJob)
    await queue.process(UnlimitedJob)
    await queue.enqueue(WaitJob, null)
    await queue.enqueue(UnlimitedJob, null)
    expect(await seen.next('dlq')).toMatchObject([{ subject: 'wait', seq: 1 }])
    release.open()
    expect(await seen.next('done', 1)).toEqual([
      { subject: 'unlimited', seq: 2, result: 'finished' },
    ])
  })

  it('stop() waits for runs in flight; a stopped processor takes no more jobs', async () => {
    const release = gate()
    const log: string[] = []
    class SlowJob extends MegaJob<number> {
      async run(n: number): Promise<void> {
        await release.opened
        log.push(`end ${n}`)
      }
    }
    const queue = openMemoryQueue()
    const seen = recordEvents(queue)
    const worker = await queue.process(SlowJob)
    await queue.enqueueMany(SlowJob, [{ payload: 1 }, { payload: 2 }])
    await seen.next('start')
    let stopped = false
    const stopping = worker.stop().then((r) => ((stopped = true), r))
    await new Promise((resolve) => setImmediate(resolve))
    expect(stopped).toBe(false)
    release.open()
    expect(await stopping).toEqual({ pending: 0 })
    expect(log).toEqual(['end 1'])
    expect(seen.of('start')).toHaveLength(1) // job 2 waits for the next process()
    await queue.process(SlowJob)
    expect((await seen.next('done', 2)).map((e) => e.seq)).toEqual([1, 2])
  })

  it('stop() gives up after stopTimeoutMs and reports the runs still in flight', async () => {
    const never = gate()
    class StuckJob extends MegaJob {
      async run(): Promise<void> {
        await never.opened
      }
    }
    const queue = openMemoryQueue({ stopTimeoutMs: 10 })
    const seen = recordEvents(queue)
    await queue.process(StuckJob)
    await queue.enqueue(StuckJob, null)
    await seen.next('start')
    expect(await queue.close()).toEqual({ pending: 1 })
    never.open()
  })

  it('a throwing listener changes no outcome and is reported; unknown event names are refused', async () => {
    const reported: string[] = []
    const queue = openMemoryQueue({ onListenerError: (_e, event) => void reported.push(event) })
    queue.on('start', () => {
      throw new Error('listener bug')
    })
    queue.on('done', () => {
      throw new Error('listener bug')
    })
    const seen = recordEvents(queue)
    await queue.process(EchoJob)
    await queue.enqueue(EchoJob, { n: 1 })
    await seen.next('done')
    await new Promise((resolve) => setImmediate(resolve))
    expect(seen.names()).toEqual(['start', 'done'])
    expect(reported).toEqual(['start', 'done'])
    expect((await queue.dlq.list()).entries).toEqual([])
    expect(caught(() => queue.on('enqueue' as never, (() => undefined) as never)).code).toBe(
      'MEGA_JOB_QUEUE_EVENT_UNKNOWN',
    )
  })

  it('validates its options and the job class', async () => {
    expect(caught(() => new MemoryJobQueue({ runTimeoutMs: -1 })).code).toBe('MEGA_CONFIG_INVALID')
    expect(caught(() => new MemoryJobQueue({ nc: {} } as never)).code).toBe('MEGA_CONFIG_INVALID')
    class BadJob extends MegaJob {
      static override concurrency = 0
      run(): void {}
    }
    const queue = openMemoryQueue()
    expect((await caught(queue.process(BadJob))).code).toBe('MEGA_JOB_INVALID')
  })

  it('warns once through warn when made with NODE_ENV=production: jobs are lost on exit', () => {
    const warn = vi.fn()
    vi.stubEnv('NODE_ENV', 'test')
    new MemoryJobQueue({ warn })
    expect(warn).not.toHaveBeenCalled()
    vi.stubEnv('NODE_ENV', 'production')
    new MemoryJobQueue({ warn })
    new MemoryJobQueue({ warn })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('lost when it exits'), {
      type: 'MegaJobsWarning',
      code: MEMORY_QUEUE_WARNING_CODE,
    })
    expect(MEMORY_QUEUE_WARNING_CODE).toBe('MEGA_JOBS_MEMORY_QUEUE')
  })
})
