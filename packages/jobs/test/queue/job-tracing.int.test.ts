import { afterEach, describe, expect, it } from 'vitest'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { initTracing, shutdownTracing, tracer } from '@mega/observe'
import { jetstream } from '@nats-io/jetstream'
import { requireService } from '@mega/test-utils'
import { MegaJob, type JobPublish } from '../../src/index.js'
import { openConnection, openQueue, recordEvents } from './queue-fixture.js'

const nats = await requireService('nats')
const url = nats.url ?? 'nats://127.0.0.1:4222'

afterEach(async () => {
  await shutdownTracing()
})

class TracedJob extends MegaJob<string> {
  run(payload: string): string {
    return payload
  }
}

describe.runIf(nats.available)('MegaJobQueue trace context', () => {
  it('carries traceparent from enqueue; the run span is a child of the enqueuing span', async () => {
    const memory = new InMemorySpanExporter()
    await initTracing({
      serviceName: 'jobs-test',
      spanProcessors: [new SimpleSpanProcessor(memory)],
    })
    const queue = await openQueue(url)
    const seen = recordEvents(queue)
    const worker = await queue.process(TracedJob)
    const parent = await tracer.span('checkout', async (span) => {
      await queue.enqueue(TracedJob, 'x')
      return span.spanContext()
    })
    await seen.next('done')
    await worker.stop()
    const run = memory.getFinishedSpans().find((s) => s.name === 'job traced')
    expect(run?.spanContext().traceId).toBe(parent.traceId)
    expect(run?.parentSpanContext?.spanId).toBe(parent.spanId)
    expect(run?.attributes['messaging.destination.name']).toBe(
      `${queue.config.streamPrefix}.traced`,
    )
  })

  it('sends a header block only when there is trace context or a delay to carry', async () => {
    await initTracing({ serviceName: 'jobs-test', spanProcessors: [] })
    const nc = await openConnection(url)
    const js = jetstream(nc)
    const sent: (Record<string, string> | undefined)[] = []
    const publish: JobPublish = async (subject, data, options) => {
      const h = options.headers
      sent.push(h && Object.fromEntries([...h.keys()].map((k) => [k, h.get(k)])))
      return js.publish(subject, data, options)
    }
    const queue = await openQueue(url, { nc, publish })
    await queue.enqueue(TracedJob, 'plain')
    await tracer.span('checkout', () => queue.enqueue(TracedJob, 'traced'))
    await queue.enqueue(TracedJob, 'later', { delayMs: 60_000 })
    expect(sent[0]).toBeUndefined()
    expect(sent[1]?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
    expect(Object.keys(sent[2] ?? {})).toEqual(['Mega-Not-Before'])
  })

  it('without an active span at enqueue the run span starts a new trace', async () => {
    const memory = new InMemorySpanExporter()
    await initTracing({
      serviceName: 'jobs-test',
      spanProcessors: [new SimpleSpanProcessor(memory)],
    })
    const queue = await openQueue(url)
    const seen = recordEvents(queue)
    const worker = await queue.process(TracedJob)
    await queue.enqueue(TracedJob, 'y')
    await seen.next('done')
    await worker.stop()
    const run = memory.getFinishedSpans().find((s) => s.name === 'job traced')
    expect(run).toBeDefined()
    expect(run?.parentSpanContext).toBeUndefined()
  })
})
