import { describe, expect, it } from 'vitest'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { type MegaError } from '@mega/observe'
import { requireService } from '@mega/test-utils'
import { MegaJob } from '../../src/index.js'
import { openConnection, openQueue, recordEvents } from './queue-fixture.js'

const nats = await requireService('nats')
const url = nats.url ?? 'nats://127.0.0.1:4222'

/** A promise with its resolve and reject. */
function gate<T = void>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe.runIf(nats.available)('MegaJobQueue runs on a real NATS server', () => {
  it('a run outliving its timeout fails into the DLQ; its later rejection is fail phase abandoned-run', async () => {
    const hung = gate()
    class SlowJob extends MegaJob<null> {
      static override timeoutMs = 50
      static override retries = 0
      run(): Promise<void> {
        return hung.promise
      }
    }
    const queue = await openQueue(url)
    const seen = recordEvents(queue)
    const worker = await queue.process(SlowJob)
    await queue.enqueue(SlowJob, null)
    const [dlq] = await seen.next('dlq')
    const timeoutError = dlq?.error as MegaError
    expect(timeoutError.code).toBe('MEGA_JOB_RUN_TIMEOUT')
    expect(timeoutError.message).toContain('did not finish within 50 ms')
    expect(timeoutError.message).toContain('continues in the background')
    expect(seen.of('fail').map((f) => f.phase)).toEqual(['run'])
    hung.reject(new Error('gave up late'))
    const fails = await seen.next('fail', 2)
    expect(fails[1]).toMatchObject({ phase: 'abandoned-run', subject: 'slow', seq: 1 })
    expect(fails[1]?.error.message).toBe('gave up late')
    expect((await queue.dlq.show(1)).envelope.error.name).toBe('MegaError')
    await worker.stop()
  })

  it('the queue runTimeoutMs applies when the job sets none; 0 on the job means unlimited', async () => {
    const release = gate()
    class PatientJob extends MegaJob<null> {
      static override timeoutMs = 0
      run(): Promise<string> {
        return release.promise.then(() => 'finished')
      }
    }
    class DefaultJob extends MegaJob<null> {
      static override retries = 0
      run(): Promise<void> {
        return new Promise(() => {})
      }
    }
    const queue = await openQueue(url, { runTimeoutMs: 30 })
    const seen = recordEvents(queue)
    const workers = [await queue.process(PatientJob), await queue.process(DefaultJob)]
    await queue.enqueue(DefaultJob, null)
    await queue.enqueue(PatientJob, null)
    const [dlq] = await seen.next('dlq')
    expect(dlq?.subject).toBe('default')
    release.resolve()
    expect((await seen.next('done'))[0]).toMatchObject({ subject: 'patient', result: 'finished' })
    await Promise.all(workers.map((w) => w.stop()))
  })

  it('renews the ack lease with working() while a run lasts longer than ackWaitMs: one delivery', async () => {
    class LongJob extends MegaJob<null> {
      static override retries = 0
      run(): Promise<string> {
        return new Promise((resolve) => setTimeout(() => resolve('long'), 1800))
      }
    }
    const queue = await openQueue(url, { ackWaitMs: 600, heartbeatMs: 150 })
    const seen = recordEvents(queue)
    const worker = await queue.process(LongJob)
    await queue.enqueue(LongJob, null)
    await seen.next('done')
    expect(seen.of('start')).toEqual([{ subject: 'long', seq: 1, deliveryCount: 1 }])
    await worker.stop()
    expect(seen.of('start')).toHaveLength(1)
  })

  it('delays a job with delayMs: the early delivery is nak-ed with the remaining delay', async () => {
    const ranAt: number[] = []
    class LaterJob extends MegaJob<null> {
      run(): void {
        ranAt.push(Date.now())
      }
    }
    const queue = await openQueue(url)
    const seen = recordEvents(queue)
    const worker = await queue.process(LaterJob)
    const enqueuedAt = Date.now()
    await queue.enqueue(LaterJob, null, { delayMs: 300 })
    await seen.next('done')
    const starts = seen.of('start')
    expect(starts).toHaveLength(1) // early deliveries are nak-ed, never started
    expect(starts[0]?.deliveryCount).toBeGreaterThanOrEqual(2)
    expect(ranAt[0]).toBeGreaterThanOrEqual(enqueuedAt + 300) // never before its time
    await worker.stop()
  })

  it('does not run again a last redelivery after earlier ones never settled (phase max-deliver)', async () => {
    let runs = 0
    class CrashyJob extends MegaJob<{ id: number }> {
      run(): void {
        runs++
      }
    }
    const queue = await openQueue(url, { ackWaitMs: 300, maxDeliver: 2 })
    const seen = recordEvents(queue)
    const probe = await queue.process(CrashyJob) // creates the consumer
    await probe.stop()
    await queue.enqueue(CrashyJob, { id: 1 })
    // A worker that "crashes": it takes the message and never settles it.
    const nc = await openConnection(url)
    const consumer = await jetstream(nc).consumers.get(queue.config.streamPrefix, 'crashy')
    const taken = await consumer.next({ expires: 2000 })
    expect(taken?.info.deliveryCount).toBe(1)
    const worker = await queue.process(CrashyJob)
    const [fail] = await seen.next('fail')
    expect(fail).toMatchObject({ subject: 'crashy', seq: 1, phase: 'max-deliver' })
    expect((fail?.error as MegaError).code).toBe('MEGA_JOB_DELIVERIES_EXHAUSTED')
    expect(runs).toBe(0)
    expect(seen.names()).toEqual(['fail', 'dlq'])
    expect((await queue.dlq.show(1)).envelope).toMatchObject({
      deliveryCount: 2,
      payload: { id: 1 },
    })
    await worker.stop()
  })

  it('reports a consume-loop error and goes on: a deleted consumer is recreated', async () => {
    class SteadyJob extends MegaJob<number> {
      run(n: number): number {
        return n
      }
    }
    const queue = await openQueue(url, { consumeRetryMs: 50 })
    const seen = recordEvents(queue)
    const worker = await queue.process(SteadyJob)
    await queue.enqueue(SteadyJob, 1)
    await seen.next('done')
    const nc = await openConnection(url)
    await (await jetstreamManager(nc)).consumers.delete(queue.config.streamPrefix, 'steady')
    const [fail] = await seen.next('fail')
    expect(fail).toMatchObject({ subject: 'steady', seq: undefined, phase: 'consume-loop' })
    await queue.enqueue(SteadyJob, 2)
    expect((await seen.next('done', 2)).map((d) => d.result)).toEqual([1, 2])
    await worker.stop()
  })

  it('stop() waits for runs in flight, then takes no more messages', async () => {
    const started = gate()
    const release = gate()
    class BusyJob extends MegaJob<number> {
      run(n: number): Promise<number> {
        started.resolve()
        return release.promise.then(() => n)
      }
    }
    const queue = await openQueue(url)
    const seen = recordEvents(queue)
    const worker = await queue.process(BusyJob)
    await queue.enqueue(BusyJob, 1)
    await started.promise
    let stopped = false
    const stopping = worker.stop().then((r) => ((stopped = true), r))
    await new Promise((r) => setTimeout(r, 50))
    expect(stopped).toBe(false)
    release.resolve()
    expect(await stopping).toEqual({ pending: 0 })
    expect(seen.of('done')).toEqual([{ subject: 'busy', seq: 1, result: 1 }])
    await queue.enqueue(BusyJob, 2)
    await new Promise((r) => setTimeout(r, 100))
    expect(seen.of('start')).toHaveLength(1)
  })

  it('stop() gives up on a hung run after stopTimeoutMs and reports it pending', async () => {
    const started = gate()
    class HungJob extends MegaJob<null> {
      static override timeoutMs = 0
      run(): Promise<void> {
        started.resolve()
        return new Promise(() => {})
      }
    }
    const queue = await openQueue(url, { stopTimeoutMs: 50 })
    const worker = await queue.process(HungJob)
    await queue.enqueue(HungJob, null)
    await started.promise
    expect(await worker.stop()).toEqual({ pending: 1 })
  })
})
