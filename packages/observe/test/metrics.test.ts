import { afterEach, describe, expect, it } from 'vitest'
import { caught } from '@mega/test-utils'
import { type MegaError } from '../src/errors.js'
import {
  createMetrics,
  DEFAULT_HISTOGRAM_BUCKETS,
  getMetrics,
  initMetrics,
  renderPrometheus,
  shutdownMetrics,
  type MegaMetrics,
} from '../src/metrics.js'
import { METRIC_NAMES } from '../src/metric-names.js'

const open: MegaMetrics[] = []

function metrics(): MegaMetrics {
  const m = createMetrics({ serviceName: 'shop-api', version: '1.2.3', environment: 'test' })
  open.push(m)
  return m
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.shutdown()))
  await shutdownMetrics()
})

describe('createMetrics', () => {
  it('throws MEGA_CONFIG_INVALID naming serviceName when it is missing', () => {
    const err = caught<MegaError>(() => createMetrics({} as never))
    expect(err.code).toBe('MEGA_CONFIG_INVALID')
    expect(err.issues?.map((i) => i.path)).toEqual(['metrics.serviceName'])
  })

  it('lists every invalid option at once', () => {
    const err = caught<MegaError>(() =>
      createMetrics({ serviceName: '', version: 1, extra: true } as never),
    )
    expect(err.issues?.map((i) => i.path).sort()).toEqual([
      'metrics',
      'metrics.serviceName',
      'metrics.version',
    ])
  })

  it('renders the shared resource as target_info', async () => {
    const text = await metrics().renderPrometheus()
    expect(text).toContain('target_info{')
    expect(text).toContain('service_name="shop-api"')
    expect(text).toContain('service_version="1.2.3"')
    expect(text).toContain('deployment_environment_name="test"')
    expect(text.endsWith('\n')).toBe(true)
  })
})

describe('MegaMetrics.counter', () => {
  it('renders a counter with help, type, labels and its total', async () => {
    const m = metrics()
    const c = m.counter(METRIC_NAMES.httpRequests, {
      description: 'HTTP requests',
      labels: ['method', 'status_code'],
    })
    c.add(1, { method: 'GET', status_code: 200 })
    c.add(2, { method: 'GET', status_code: 200 })
    c.add(undefined, { method: 'POST', status_code: 201 })
    const text = await m.renderPrometheus()
    expect(text).toContain('# HELP mega_http_requests_total HTTP requests')
    expect(text).toContain('# TYPE mega_http_requests_total counter')
    expect(text).toMatch(/mega_http_requests_total\{method="GET",status_code="200",[^}]*\} 3\n/)
    expect(text).toMatch(/mega_http_requests_total\{method="POST",status_code="201",[^}]*\} 1\n/)
  })

  it('returns the same instrument when a name is declared twice with the same kind', async () => {
    const m = metrics()
    m.counter('mega_test_total').add(1)
    m.counter('mega_test_total').add(1)
    expect(await m.renderPrometheus()).toMatch(/mega_test_total\{[^}]*\} 2\n/)
  })

  it('rejects a name already used by another kind', () => {
    const m = metrics()
    m.counter('mega_things_total')
    expect(caught<MegaError>(() => m.gauge('mega_things_total')).code).toBe('MEGA_METRICS_INVALID')
  })

  it('rejects a negative increment', () => {
    const c = metrics().counter('mega_neg_total')
    expect(caught<MegaError>(() => c.add(-1)).message).toMatch(/add 0 or more/)
  })

  it('rejects a label that was not declared', () => {
    const c = metrics().counter('mega_labelled_total', { labels: ['queue'] })
    const err = caught<MegaError>(() => c.add(1, { queue: 'a', job: 'b' }))
    expect(err.code).toBe('MEGA_METRICS_INVALID')
    expect(err.details).toEqual({ name: 'mega_labelled_total', label: 'job' })
  })
})

describe('MegaMetrics names and options', () => {
  it.each(['', '1abc', 'http.server.duration', 'has-dash', 'a b', 'x'.repeat(256)])(
    'rejects the invalid metric name %j with MEGA_METRICS_INVALID',
    (name) => {
      expect(caught<MegaError>(() => metrics().counter(name)).code).toBe('MEGA_METRICS_INVALID')
    },
  )

  it('rejects reserved and malformed label names and unknown options', () => {
    const err = caught<MegaError>(() =>
      metrics().histogram('mega_h_seconds', {
        labels: ['le', 'bad-name'],
        buckets: [1, 0.5],
        colour: 'red',
      } as never),
    )
    expect(err.code).toBe('MEGA_METRICS_INVALID')
    expect(err.issues?.map((i) => i.path).sort()).toEqual([
      'mega_h_seconds',
      'mega_h_seconds.buckets',
      'mega_h_seconds.labels[0]',
      'mega_h_seconds.labels[1]',
    ])
  })
})

describe('MegaMetrics.histogram', () => {
  it('uses the default second buckets and renders count, sum and cumulative buckets', async () => {
    const m = metrics()
    const h = m.histogram(METRIC_NAMES.dbQueryDuration, { unit: 's', labels: ['operation'] })
    h.record(0.02, { operation: 'select' })
    h.record(3, { operation: 'select' })
    const text = await m.renderPrometheus()
    expect(text).toContain('# TYPE mega_db_query_duration_seconds histogram')
    expect(text).toMatch(/mega_db_query_duration_seconds_count\{[^}]*\} 2\n/)
    expect(text).toMatch(/mega_db_query_duration_seconds_sum\{[^}]*\} 3.02\n/)
    expect(text).toMatch(/mega_db_query_duration_seconds_bucket\{[^}]*le="0.025"\} 1\n/)
    expect(text).toMatch(/mega_db_query_duration_seconds_bucket\{[^}]*le="5"\} 2\n/)
    const bounds = [...text.matchAll(/_bucket\{[^}]*le="([^"]+)"/g)].map((x) => x[1])
    expect(bounds).toEqual([...DEFAULT_HISTOGRAM_BUCKETS.map(String), '+Inf'])
  })

  it('honours explicit buckets', async () => {
    const m = metrics()
    m.histogram('mega_size_bytes', { buckets: [10, 100] }).record(50)
    const bounds = [...(await m.renderPrometheus()).matchAll(/le="([^"]+)"/g)].map((x) => x[1])
    expect(bounds).toEqual(['10', '100', '+Inf'])
  })
})

describe('MegaMetrics gauges', () => {
  it('renders the last value of a synchronous gauge', async () => {
    const m = metrics()
    const g = m.gauge('mega_queue_depth', { labels: ['queue'] })
    g.set(5, { queue: 'mail' })
    g.set(2, { queue: 'mail' })
    const text = await m.renderPrometheus()
    expect(text).toContain('# TYPE mega_queue_depth gauge')
    expect(text).toMatch(/mega_queue_depth\{queue="mail",[^}]*\} 2\n/)
  })

  it('renders an up-down counter as a gauge', async () => {
    const m = metrics()
    const ws = m.upDownCounter(METRIC_NAMES.wsConnections)
    ws.add(3)
    ws.add(-1)
    const text = await m.renderPrometheus()
    expect(text).toContain('# TYPE mega_ws_connections gauge')
    expect(text).toMatch(/mega_ws_connections\{[^}]*\} 2\n/)
  })

  it('reads an observable gauge at each scrape until removed', async () => {
    const m = metrics()
    let value = 1
    const handle = m.observableGauge('mega_free_slots', {
      labels: ['pool'],
      observe: () => [{ value, labels: { pool: 'db' } }],
    })
    expect(await m.renderPrometheus()).toMatch(/mega_free_slots\{pool="db",[^}]*\} 1\n/)
    value = 7
    expect(await m.renderPrometheus()).toMatch(/mega_free_slots\{pool="db",[^}]*\} 7\n/)
    handle.remove()
    value = 9
    expect(await m.renderPrometheus()).not.toMatch(/mega_free_slots\{[^}]*\} 9\n/)
  })
})

describe('MegaMetrics collection errors', () => {
  it('reports a failing observer to onCollectError and still renders the rest', async () => {
    const errors: unknown[] = []
    const m = createMetrics({ serviceName: 's', onCollectError: (e) => errors.push(e) })
    open.push(m)
    m.observableGauge('mega_broken', {
      observe: () => {
        throw new Error('sensor offline')
      },
    })
    m.gauge('mega_fine').set(1)
    const text = await m.renderPrometheus()
    expect(text).toMatch(/mega_fine\{[^}]*\} 1\n/)
    expect(errors).toEqual([expect.objectContaining({ message: 'sensor offline' })])
  })
})

describe('MegaMetrics.shutdown', () => {
  it('makes later calls throw MEGA_METRICS_SHUT_DOWN, saying so', async () => {
    const m = metrics()
    await m.shutdown()
    await m.shutdown()
    await expect(m.renderPrometheus()).rejects.toMatchObject({
      code: 'MEGA_METRICS_SHUT_DOWN',
      message: expect.stringMatching(/already shut down/),
    })
    expect(caught<MegaError>(() => m.counter('mega_late_total')).code).toBe(
      'MEGA_METRICS_SHUT_DOWN',
    )
  })
})

describe('initMetrics', () => {
  it('throws MEGA_METRICS_NOT_INITIALIZED telling to call initMetrics first', async () => {
    const err = caught<MegaError>(() => getMetrics())
    expect(err.code).toBe('MEGA_METRICS_NOT_INITIALIZED')
    expect(err.message).toMatch(/call initMetrics/)
    await expect(renderPrometheus()).rejects.toMatchObject({ code: 'MEGA_METRICS_NOT_INITIALIZED' })
  })

  it('serves the process-wide instance and refuses a second init until shutdown', async () => {
    const m = initMetrics({ serviceName: 'svc' })
    expect(getMetrics()).toBe(m)
    getMetrics().counter('mega_boot_total').add(1)
    expect(await renderPrometheus()).toMatch(/mega_boot_total\{[^}]*\} 1\n/)
    expect(caught<MegaError>(() => initMetrics({ serviceName: 'svc' })).code).toBe(
      'MEGA_METRICS_INVALID',
    )
    await shutdownMetrics()
    expect(initMetrics({ serviceName: 'again' })).not.toBe(m)
  })
})
