import { describe, expect, it } from 'vitest'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { MegaError } from '@mega/observe'
import { requireService } from '@mega/test-utils'
import { MegaJob, type JobPublish } from '../../src/index.js'
import { openConnection, openQueue, recordEvents } from './queue-fixture.js'

const nats = await requireService('nats')
const url = nats.url ?? 'nats://127.0.0.1:4222'

const fast = { type: 'exponential', initial: 1, max: 5 } as const
const FIXED_NOW = Date.parse('2026-12-06T10:00:00.000Z')

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

describe.runIf(nats.available)('MegaJobQueue dead-letter queue on a real NATS server', () => {
  it('a job failing every retry lands in the DLQ with the exact envelope; redrive runs it again', async () => {
    runs = 0
    failUntil = 3
    const queue = await openQueue(url, { now: () => FIXED_NOW })
    const seen = recordEvents(queue)
    const worker = await queue.process(FlakyJob)
    const { seq } = await queue.enqueue(FlakyJob, { id: 7 })
    const [dlq] = await seen.next('dlq')
    const prefix = queue.config.streamPrefix
    expect(seen.names()).toEqual(['start', 'retry', 'retry', 'fail', 'dlq'])
    expect(seen.of('retry').map((r) => [r.attempt, r.retriesLeft])).toEqual([
      [1, 2],
      [2, 1],
    ])
    expect(seen.of('fail')[0]).toMatchObject({ subject: 'flaky', seq, phase: 'run' })
    expect(dlq).toMatchObject({
      subject: 'flaky',
      seq,
      dlqSubject: `${prefix}.flaky.dlq`,
      dlqSeq: 1,
    })

    const page = await queue.dlq.list()
    expect(page.next).toBeUndefined()
    expect(page.entries).toHaveLength(1)
    const entry = await queue.dlq.show(1)
    expect(entry).toEqual(page.entries[0])
    expect(entry).toEqual({
      seq: 1,
      subject: 'flaky',
      phase: 'run',
      envelope: {
        originalSubject: `${prefix}.flaky`,
        failedAt: '2026-12-06T10:00:00.000Z',
        deliveryCount: 1,
        error: {
          name: 'RangeError',
          message: 'flaky 7',
          stack: `RangeError: flaky\n${'x'.repeat(4000 - 'RangeError: flaky\n'.length)}\n…[1018 more characters]`,
        },
        payload: { id: 7 },
      },
    })

    const redrive = await queue.dlq.redrive(1)
    expect(redrive).toEqual({
      redriven: [{ dlqSeq: 1, subject: 'flaky', seq: seq + 1 }],
      failed: [],
    })
    const [done] = await seen.next('done')
    expect(done).toEqual({ subject: 'flaky', seq: seq + 1, result: 'ok 7' })
    expect((await queue.dlq.list()).entries).toEqual([])
    const missing = await queue.dlq.show(1).catch((e: unknown) => e)
    expect(MegaError.is(missing) && missing.code).toBe('MEGA_JOB_DLQ_ENTRY_NOT_FOUND')
    await worker.stop()
  })

  it('pages through the DLQ by subject, redrives all and purges', async () => {
    runs = 0
    failUntil = Number.POSITIVE_INFINITY
    class OtherJob extends MegaJob<number> {
      static override retries = 0
      run(): never {
        throw new Error('always')
      }
    }
    class NoRetryFlaky extends FlakyJob {
      static override subject = 'flaky'
      static override retries = 0
    }
    const queue = await openQueue(url)
    const seen = recordEvents(queue)
    const workers = [await queue.process(NoRetryFlaky), await queue.process(OtherJob)]
    for (let i = 0; i < 3; i++) await queue.enqueue(NoRetryFlaky, { id: i })
    await queue.enqueue(OtherJob, 1)
    await seen.next('dlq', 4)
    const first = await queue.dlq.list({ subject: 'flaky', limit: 2 })
    expect(first.entries).toHaveLength(2)
    expect(first.next).toBe(first.entries[1]?.seq)
    const second = await queue.dlq.list({ subject: 'flaky', limit: 2, after: first.next })
    expect(second.entries).toHaveLength(1)
    expect(
      [...first.entries, ...second.entries]
        .map((e) => (e.envelope.payload as { id: number }).id)
        .sort(),
    ).toEqual([0, 1, 2])
    expect((await queue.dlq.list({ subject: 'other' })).entries).toHaveLength(1)
    const badList = await queue.dlq.list({ limit: 0, after: -1 }).catch((e: unknown) => e)
    expect(MegaError.is(badList) && badList.issues?.map((i) => i.path)).toEqual([
      'dlq.list options.limit',
      'dlq.list options.after',
    ])
    expect(await queue.dlq.purge({ subject: 'other' })).toEqual({ purged: 1 })
    await Promise.all(workers.map((w) => w.stop()))
    const all = await queue.dlq.redrive('all')
    expect(all.redriven).toHaveLength(3)
    expect(all.failed).toEqual([])
    expect((await queue.dlq.list()).entries).toEqual([])
    for (let i = 0; i < 2; i++) await queue.enqueue(OtherJob, i)
    const again = await queue.process(OtherJob)
    await seen.next('dlq', 6)
    await again.stop()
    expect(await queue.dlq.purge()).toEqual({ purged: 2 })
  })

  it('a payload that is not JSON goes to the DLQ at once (phase decode) and redrives byte for byte', async () => {
    failUntil = 0
    const queue = await openQueue(url)
    const seen = recordEvents(queue)
    const worker = await queue.process(FlakyJob)
    await queue.enqueue(FlakyJob, { id: 1 }) // creates the streams
    await seen.next('done')
    const nc = await openConnection(url)
    await jetstream(nc).publish(`${queue.config.streamPrefix}.flaky`, 'not json {')
    const [fail] = await seen.next('fail')
    expect(fail).toMatchObject({ phase: 'decode', subject: 'flaky' })
    expect(seen.of('start')).toHaveLength(1) // the bad message never started
    const entry = await queue.dlq.show(1)
    expect(entry.phase).toBe('decode')
    expect(entry.envelope.payload).toBe('not json {')
    await worker.stop()
    await queue.dlq.redrive(1)
    const again = await queue.process(FlakyJob)
    await seen.next('dlq', 2)
    expect((await queue.dlq.show(2)).envelope.payload).toBe('not json {')
    await again.stop()
  })

  it('when the DLQ publish fails it naks with a delay, then on the last delivery leaves the message unacked', async () => {
    runs = 0
    failUntil = Number.POSITIVE_INFINITY
    let dlqAttempts = 0
    const listenerErrors: string[] = []
    const nc = await openConnection(url)
    const js = jetstream(nc)
    const publish: JobPublish = async (subject, data, options) => {
      if (subject.endsWith('.dlq')) {
        dlqAttempts++
        throw new Error('DLQ down')
      }
      const ack = await js.publish(subject, data, options)
      return { seq: ack.seq, duplicate: ack.duplicate }
    }
    const queue = await openQueue(url, {
      nc,
      publish,
      maxDeliver: 2,
      onListenerError: (_err, event) => void listenerErrors.push(event),
    })
    queue.on('fail', () => {
      throw new Error('a broken listener')
    })
    const seen = recordEvents(queue)
    class DoomedJob extends FlakyJob {
      static override subject = 'doomed'
      static override retries = 0
    }
    const worker = await queue.process(DoomedJob)
    await queue.enqueue(DoomedJob, { id: 1 })
    const fails = await seen.next('fail', 2)
    expect(fails.map((f) => [f.phase, f.nakDelayMs])).toEqual([
      ['dlq-publish', 1000],
      ['dlq-orphan', undefined],
    ])
    expect(fails[0]?.error.message).toBe('DLQ down')
    expect(fails[0]?.jobError?.message).toBe('flaky 1')
    expect((fails[1]?.jobError as MegaError | undefined)?.code).toBe(
      'MEGA_JOB_DELIVERIES_EXHAUSTED',
    )
    expect(dlqAttempts).toBe(6) // 3 attempts per routing
    expect(runs).toBe(1) // the last delivery did not run the job again
    expect(listenerErrors).toEqual(['fail', 'fail'])
    expect(seen.of('dlq')).toEqual([])
    const info = await (
      await jetstreamManager(nc)
    ).consumers.info(queue.config.streamPrefix, 'doomed')
    expect(info.num_ack_pending).toBe(1) // neither acked nor nak'd nor terminated
    await worker.stop()
  })
})
