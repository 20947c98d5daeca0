import { describe, expect, it } from 'vitest'
import { jetstreamManager } from '@nats-io/jetstream'
import { MegaError } from '@mega/observe'
import { disposeAfterTest, requireService } from '@mega/test-utils'
import { MegaJob, MegaJobQueue, NatsBusAdapter } from '../../src/index.js'
import { openConnection, openQueue, recordEvents } from './queue-fixture.js'

const nats = await requireService('nats')
const url = nats.url ?? 'nats://127.0.0.1:4222'

const fast = { type: 'exponential', initial: 1, max: 5 } as const

class EchoJob extends MegaJob<{ n: number }, { tag: string } | undefined, number> {
  static override backoff = fast
  run(payload: { n: number }): number {
    return payload.n * 2
  }
}

describe.runIf(nats.available)('MegaJobQueue on a real NATS JetStream server', () => {
  it('runs an enqueued job, acks it, then emits start and done with the result', async () => {
    const queue = await openQueue(url)
    const seen = recordEvents(queue)
    const worker = await queue.process(EchoJob)
    const result = await queue.enqueue(EchoJob, { n: 21 })
    expect(result).toEqual({ subject: 'echo', seq: 1, duplicate: false })
    const [done] = await seen.next('done')
    expect(done).toEqual({ subject: 'echo', seq: 1, result: 42 })
    expect(seen.of('start')).toEqual([{ subject: 'echo', seq: 1, deliveryCount: 1 }])
    expect(await worker.stop()).toEqual({ pending: 0 })
  })

  it('close() stops every processor it started; a job enqueued after waits for the next one', async () => {
    const queue = await openQueue(url)
    const seen = recordEvents(queue)
    const first = await queue.process(EchoJob)
    await queue.enqueue(EchoJob, { n: 1 })
    await seen.next('done')
    expect(await queue.close()).toEqual({ pending: 0 })
    expect(await first.stop()).toEqual({ pending: 0 }) // stopping again is harmless

    await queue.enqueue(EchoJob, { n: 2 })
    const jsm = await jetstreamManager(queue.config.nc)
    const info = await jsm.consumers.info(queue.config.streamPrefix, 'echo')
    expect([info.num_pending, info.num_ack_pending]).toEqual([1, 0]) // nobody pulls it
    expect(seen.of('start')).toHaveLength(1)

    const next = await queue.process(EchoJob)
    const done = await seen.next('done', 2)
    expect(done.map((d) => d.result)).toEqual([2, 4])
    expect(await queue.close()).toEqual({ pending: 0 })
    expect(await next.stop()).toEqual({ pending: 0 })
  })

  it('acks before done: a throwing done listener neither fails nor redelivers the job', async () => {
    const reported: string[] = []
    const queue = await openQueue(url, {
      onListenerError: (_e, event) => void reported.push(event),
    })
    queue.on('done', () => {
      throw new Error('listener bug')
    })
    const seen = recordEvents(queue)
    const worker = await queue.process(EchoJob)
    await queue.enqueue(EchoJob, { n: 1 })
    await seen.next('done')
    await worker.stop()
    expect(reported).toEqual(['done'])
    expect(seen.names()).toEqual(['start', 'done'])
    const jsm = await jetstreamManager(queue.config.nc)
    const info = await jsm.consumers.info(queue.config.streamPrefix, 'echo')
    expect([info.num_ack_pending, info.num_pending, info.num_redelivered]).toEqual([0, 0, 0])
    expect((await jsm.streams.info(queue.config.streamPrefix)).state.messages).toBe(0) // acked: removed
  })

  it('takes the connection of a NatsBusAdapter (bus.native, the same as bus.connection)', async () => {
    const bus = new NatsBusAdapter('bus', { url })
    await bus.connect()
    disposeAfterTest(() => bus.disconnect())
    expect(bus.native).toBe(bus.connection)
    const queue = await openQueue(url, { nc: bus.native })
    const seen = recordEvents(queue)
    const worker = await queue.process(EchoJob)
    await queue.enqueue(EchoJob, { n: 4 })
    expect((await seen.next('done'))[0]?.result).toBe(8)
    await worker.stop()
  })

  it('passes the instance and ctx given to process to every run', async () => {
    class CtxJob extends MegaJob<string, { prefix: string }, string> {
      static override subject = 'ctx-job'
      constructor(readonly suffix: string) {
        super()
      }
      run(payload: string, ctx: { prefix: string }): string {
        return `${ctx.prefix}${payload}${this.suffix}`
      }
    }
    const queue = await openQueue(url)
    const seen = recordEvents(queue)
    const worker = await queue.process(CtxJob, new CtxJob('!'), { prefix: '>' })
    await queue.enqueue(CtxJob, 'hi')
    expect((await seen.next('done'))[0]?.result).toBe('>hi!')
    await worker.stop()
  })

  it('drops a second enqueue with the same dedupeId (Nats-Msg-Id) and runs the job once', async () => {
    const queue = await openQueue(url)
    const first = await queue.enqueue(EchoJob, { n: 1 }, { dedupeId: 'order-7' })
    const second = await queue.enqueue(EchoJob, { n: 2 }, { dedupeId: 'order-7' })
    const other = await queue.enqueue(EchoJob, { n: 3 }, { dedupeId: 'order-8' })
    expect(first).toEqual({ subject: 'echo', seq: 1, duplicate: false })
    expect(second).toEqual({ subject: 'echo', seq: 1, duplicate: true })
    expect(other.seq).toBe(2)
    const seen = recordEvents(queue)
    const worker = await queue.process(EchoJob)
    const done = await seen.next('done', 2)
    expect(done.map((d) => d.result)).toEqual([2, 6])
    await worker.stop()
  })

  it('enqueueMany returns one result per item; a bad payload does not hide the others', async () => {
    const queue = await openQueue(url)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const results = await queue.enqueueMany(EchoJob, [
      { payload: { n: 1 } },
      { payload: cyclic as unknown as { n: number } },
      { payload: { n: 3 }, options: { dedupeId: 'x' } },
      { payload: { n: 4 }, options: { dedupeId: 'x' } },
    ])
    expect(results.map((r) => (r.ok ? [r.seq, r.duplicate] : r.error.code))).toEqual([
      [1, false],
      'MEGA_JOB_PAYLOAD_INVALID',
      [2, false],
      [2, true],
    ])
  })

  it('refuses bad enqueue options and payloads with coded errors, publishing nothing', async () => {
    const queue = await openQueue(url)
    const bad = await queue
      .enqueue(EchoJob, { n: 1 }, { delayMs: -5, dedupeId: '' })
      .catch((e: unknown) => e)
    expect(MegaError.is(bad) && bad.code).toBe('MEGA_CONFIG_INVALID')
    expect((bad as MegaError).issues?.length).toBe(2)
    const notJson = await queue
      .enqueue(EchoJob, undefined as unknown as { n: number })
      .catch((e: unknown) => e)
    expect(MegaError.is(notJson) && notJson.code).toBe('MEGA_JOB_PAYLOAD_INVALID')
    expect((await queue.enqueue(EchoJob, { n: 1 })).seq).toBe(1)
  })

  it('creates streams and consumers idempotently: two queues starting at once both succeed', async () => {
    const first = await openQueue(url)
    const nc = await openConnection(url)
    const second = new MegaJobQueue({
      nc,
      streamPrefix: first.config.streamPrefix,
      ackWaitMs: 2000,
    })
    const [a, b] = await Promise.all([first.process(EchoJob), second.process(EchoJob)])
    const jsm = await jetstreamManager(nc)
    const consumer = await jsm.consumers.info(first.config.streamPrefix, 'echo')
    expect(consumer.config).toMatchObject({
      durable_name: 'echo',
      filter_subject: `${first.config.streamPrefix}.echo`,
      max_ack_pending: 1,
      max_deliver: 5,
      ack_wait: 2000 * 1_000_000,
    })
    class WiderEchoJob extends EchoJob {
      static override subject = 'echo'
      static override concurrency = 3
    }
    await (await first.process(WiderEchoJob)).stop()
    expect(
      (await jsm.consumers.info(first.config.streamPrefix, 'echo')).config.max_ack_pending,
    ).toBe(3)
    const [c, d] = await Promise.all([
      first.enqueue(EchoJob, { n: 1 }),
      second.enqueue(EchoJob, { n: 2 }),
    ])
    expect([c.seq, d.seq].sort()).toEqual([1, 2])
    await Promise.all([a.stop(), b.stop()])
  })

  it('two queues on one subject share the work: every job runs exactly once', async () => {
    const seenRuns: number[] = []
    class CountJob extends MegaJob<number> {
      static override subject = 'count'
      static override concurrency = 4
      run(n: number): void {
        seenRuns.push(n)
      }
    }
    const first = await openQueue(url)
    const second = new MegaJobQueue({
      nc: await openConnection(url),
      streamPrefix: first.config.streamPrefix,
      ackWaitMs: 2000,
    })
    const doneA = recordEvents(first)
    const doneB = recordEvents(second)
    const workers = await Promise.all([first.process(CountJob), second.process(CountJob)])
    const total = 60
    await first.enqueueMany(
      CountJob,
      Array.from({ length: total }, (_, i) => ({ payload: i })),
    )
    await new Promise<void>((resolve) => {
      const check = () =>
        doneA.of('done').length + doneB.of('done').length >= total
          ? resolve()
          : setTimeout(check, 20)
      check()
    })
    await Promise.all(workers.map((w) => w.stop()))
    expect([...seenRuns].sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i))
    expect(doneA.of('done').length + doneB.of('done').length).toBe(total)
  })

  it('refuses an invalid job class before creating anything, and once listeners fire once', async () => {
    class ZeroJob extends EchoJob {
      static override concurrency = 0
    }
    const queue = await openQueue(url)
    const err = await queue.process(ZeroJob).catch((e: unknown) => e)
    expect(MegaError.is(err) && err.code).toBe('MEGA_JOB_INVALID')
    const jsm = await jetstreamManager(queue.config.nc)
    const missing = await jsm.streams.info(queue.config.streamPrefix).catch(() => 'missing')
    expect(missing).toBe('missing')
    let once = 0
    queue.once('done', () => void once++)
    const seen = recordEvents(queue)
    const worker = await queue.process(EchoJob)
    await queue.enqueueMany(EchoJob, [{ payload: { n: 1 } }, { payload: { n: 2 } }])
    await seen.next('done', 2)
    await worker.stop()
    expect(once).toBe(1)
    expect(queue.listenerCount('done')).toBe(1)
  })

  it('rejects listeners for unknown events with MEGA_JOB_QUEUE_EVENT_UNKNOWN', async () => {
    const queue = await openQueue(url)
    const err = (() => {
      try {
        ;(queue as unknown as { on(e: string, l: () => void): void }).on('finished', () => {})
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(MegaError.is(err) && err.code).toBe('MEGA_JOB_QUEUE_EVENT_UNKNOWN')
    expect(queue.listenerCount('finished' as 'done')).toBe(0)
  })

  it('refuses bad config with one MEGA_CONFIG_INVALID listing every problem', async () => {
    const nc = await openConnection(url)
    const err = (() => {
      try {
        return new MegaJobQueue({
          nc,
          ackWaitMs: 0,
          maxDeliver: 0,
          streamPrefix: 'a.b',
          dlqMaxBytes: 0,
          runTimeoutMs: -1,
        })
      } catch (e) {
        return e
      }
    })()
    expect(MegaError.is(err) && err.code).toBe('MEGA_CONFIG_INVALID')
    expect((err as MegaError).issues?.map((i) => i.path).sort()).toEqual([
      'MegaJobQueue.ackWaitMs',
      'MegaJobQueue.dlqMaxBytes',
      'MegaJobQueue.maxDeliver',
      'MegaJobQueue.runTimeoutMs',
      'MegaJobQueue.streamPrefix',
    ])
    const noNc = (() => {
      try {
        return new MegaJobQueue({} as never)
      } catch (e) {
        return e
      }
    })()
    expect((noNc as MegaError).issues?.[0]?.path).toBe('MegaJobQueue.nc')
  })

  it('derives heartbeatMs from ackWaitMs and refuses one that is not below it', async () => {
    const nc = await openConnection(url)
    expect(new MegaJobQueue({ nc, ackWaitMs: 3000 }).config.heartbeatMs).toBe(1000)
    expect(new MegaJobQueue({ nc }).config).toMatchObject({
      ackWaitMs: 30000,
      maxDeliver: 5,
      heartbeatMs: 10000,
      streamPrefix: 'MEGA_JOBS',
      dlqMaxAgeMs: 604800000,
      runTimeoutMs: 1800000,
      duplicateWindowMs: 120000,
    })
    expect(() => new MegaJobQueue({ nc, ackWaitMs: 1000, heartbeatMs: 1000 })).toThrow(
      /heartbeatMs/,
    )
  })
})
