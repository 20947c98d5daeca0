import { afterEach, describe, expect, it } from 'vitest'
import { promtoolCheck as checkMetricsText, requirePromtool } from '@mega/test-utils'
import { mergeExpositions } from '../src/cluster-metrics.js'
import { METRIC_NAMES } from '../src/metric-names.js'
import { createMetrics, type MegaMetrics } from '../src/metrics.js'

// Prometheus's own parser and linter: `promtool check metrics` (Debian package `prometheus`).
// Nothing is installed here: without promtool the suite is skipped with a loud line, or fails
// when MEGA_REQUIRE_SERVICES=1 (CI installs it).
const { bin: PROMTOOL, available, required } = requirePromtool()
const promtoolCheck = (text: string) => checkMetricsText(text, PROMTOOL)

const open: MegaMetrics[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.shutdown()))
})

async function renderEveryKind(): Promise<string> {
  const m = createMetrics({ serviceName: 'shop-api', version: '1.0.0', environment: 'ci' })
  open.push(m)
  const labels = ['method', 'route', 'status_code']
  m.counter(METRIC_NAMES.httpRequests, { description: 'HTTP requests', labels }).add(1, {
    method: 'GET',
    route: '/a "quoted" \\ path\nwith newline',
    status_code: 200,
  })
  m.histogram(METRIC_NAMES.httpRequestDuration, {
    description: 'HTTP duration',
    unit: 's',
    labels,
  }).record(0.03, { method: 'GET', route: '/', status_code: 200 })
  m.upDownCounter(METRIC_NAMES.wsConnections, { description: 'Open WS connections' }).add(2)
  m.gauge('mega_queue_depth', { description: 'Queue depth' }).set(4)
  m.observableGauge('mega_free_slots', { description: 'Free slots', observe: () => 3 })
  m.counter('mega_no_help_total').add(1)
  return m.renderPrometheus()
}

describe.runIf(available || required)('Prometheus exposition checked by promtool', () => {
  it('promtool is installed (MEGA_REQUIRE_SERVICES=1 makes its absence a failure)', () => {
    expect(available, `${PROMTOOL} is required but not on PATH: apt-get install prometheus`).toBe(
      true,
    )
  })

  it('accepts the /metrics text of every instrument kind, with no lint problem', async () => {
    const result = await promtoolCheck(await renderEveryKind())
    expect(result).toEqual({ code: 0, output: '' })
  })

  it('accepts a cluster merge of two workers and the primary', async () => {
    const text = await renderEveryKind()
    const merged = mergeExpositions([
      { worker: 'primary', text },
      { worker: '1', text },
      { worker: '2', text },
    ])
    expect(await promtoolCheck(merged)).toEqual({ code: 0, output: '' })
  })

  it('really parses: it rejects the same texts concatenated (a family repeated)', async () => {
    const text = await renderEveryKind()
    const result = await promtoolCheck(text + text)
    expect(result.code).not.toBe(0)
    expect(result.output).toMatch(/second HELP line|second TYPE line/)
  })
})
