import { describe, expect, it } from 'vitest'
import { caught, disposeAfterTest, requireService } from '@mega/test-utils'
import { MegaJob, MemoryJobQueue, type JobQueue } from '../../src/index.js'
import { openQueue, recordEvents } from './queue-fixture.js'

// The same scenarios against both queues: MemoryJobQueue must behave like MegaJobQueue on a real
// JetStream server (unique stream prefix per test).
const nats = await requireService('nats')
const url = nats.url ?? 'nats://127.0.0.1:4222'

const fast = { type: 'exponential', initial: 1, max: 5 } as const
const FIXED_NOW = Date.parse('2026-12-06T10:00:00.000Z')

interface QueueUnderTest {
  readonly queue: JobQueue
  /** The prefix of its subjects (`<prefix>.<subject>`). */
  readonly prefix: string
}

const kinds: { name: string; available: boolean; open(): Promise<QueueUnderTest> }[] = [
  {
    name: 'MemoryJobQueue',
    available: true,
    open: () => {
      const queue = new MemoryJobQueue({ now: () => FIXED_NOW })
      disposeAfterTest(() => queue.close())
      return Promise.resolve({ queue, prefix: 'MEGA_JOBS' })
    },
  },
  {
    name: 'MegaJobQueue (real NATS JetStream)',
    available: nats.available,
    open: async () => {
      const queue = await openQueue(url, { now: () => FIXED_NOW })
      return { queue, prefix: queue.config.streamPrefix }
    },
  },
]

class DoubleJob extends MegaJob<{ n: number }, undefined, number> {
  static override backoff = fast
  run(payload: { n: number }): number {
    return payload.n * 2
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
      err.stack = `RangeError: flaky\n${'x'.repeat(4100)}`
      throw err
    }
    return `ok ${payload.id}`
  }
}

for (const kind of kinds) {
  describe.runIf(kind.available)(`JobQueue contract: ${kind.name}`, () => {
    it('runs a job: start, then done with the result', async () => {
      const { queue } = await kind.open()
      const seen = recordEvents(queue)
      const worker = await queue.process(DoubleJob)
      disposeAfterTest(() => worker.stop())
      expect(await queue.enqueue(DoubleJob, { n: 21 })).toEqual({
        subject: 'double',
        seq: 1,
        duplicate: false,
      })
      expect(await seen.next('done')).toEqual([{ subject: 'double', seq: 1, result: 42 }])
      expect(seen.of('start')).toEqual([{ subject: 'double', seq: 1, deliveryCount: 1 }])
      expect(await worker.stop()).toEqual({ pending: 0 })
    })

    it('retries, dead-letters with the same envelope, and a redrive runs the job again', async () => {
      runs = 0
      failUntil = 3
      const { queue, prefix } = await kind.open()
      const seen = recordEvents(queue)
      const worker = await queue.process(FlakyJob)
      disposeAfterTest(() => worker.stop())
      await queue.enqueue(FlakyJob, { id: 7 })
      const [dlq] = await seen.next('dlq')
      expect(seen.names()).toEqual(['start', 'retry', 'retry', 'fail', 'dlq'])
      expect(dlq).toMatchObject({ subject: 'flaky', seq: 1, dlqSubject: `${prefix}.flaky.dlq` })
      const entry = await queue.dlq.show(dlq?.dlqSeq ?? 0)
      expect(entry).toEqual({
        seq: dlq?.dlqSeq,
        subject: 'flaky',
        phase: 'run',
        envelope: {
          originalSubject: `${prefix}.flaky`,
          failedAt: '2026-12-06T10:00:00.000Z',
          deliveryCount: 1,
          error: {
            name: 'RangeError',
            message: 'flaky 7',
            stack: `RangeError: flaky\n${'x'.repeat(4000 - 18)}\n…[118 more characters]`,
          },
          payload: { id: 7 },
        },
      })
      const { redriven, failed } = await queue.dlq.redrive('all')
      expect([redriven.map((r) => [r.dlqSeq, r.subject]), failed]).toEqual([
        [[dlq?.dlqSeq, 'flaky']],
        [],
      ])
      expect(await seen.next('done')).toEqual([
        { subject: 'flaky', seq: redriven[0]?.seq, result: 'ok 7' },
      ])
      expect((await queue.dlq.list()).entries).toEqual([])
    })

    it('drops a second enqueue with the same dedupeId; enqueueMany reports each item', async () => {
      const { queue } = await kind.open()
      const results = await queue.enqueueMany(DoubleJob, [
        { payload: { n: 1 }, options: { dedupeId: 'once' } },
        { payload: { n: 2 }, options: { dedupeId: 'once' } },
        { payload: { n: 10n } as never },
        { payload: { n: 3 }, options: { delayMs: -1 } },
      ])
      expect(results.map((r) => (r.ok ? [r.seq, r.duplicate] : r.error.code))).toEqual([
        [1, false],
        [1, true],
        'MEGA_JOB_PAYLOAD_INVALID',
        'MEGA_CONFIG_INVALID',
      ])
    })

    it('refuses unknown event names and a bad job class', async () => {
      const { queue } = await kind.open()
      expect(caught(() => queue.on('enqueue' as never, () => undefined)).code).toBe(
        'MEGA_JOB_QUEUE_EVENT_UNKNOWN',
      )
      class BadJob extends MegaJob {
        static override retries = -1
        run(): void {}
      }
      expect((await caught(queue.process(BadJob))).code).toBe('MEGA_JOB_INVALID')
    })
  })
}
