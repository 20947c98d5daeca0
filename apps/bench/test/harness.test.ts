// The harness's arithmetic and plumbing with fake contenders: no timing is measured or asserted.
import { describe, expect, it } from 'vitest'
import { resolveOptions, helpText } from '../src/cli-options.js'
import { formatRatio, formatValue } from '../src/harness/format.js'
import { checkGoal } from '../src/harness/goals.js'
import { mergeReport, readEmbeddedResults, renderScenario } from '../src/harness/report.js'
import type { ScenarioResult } from '../src/harness/results.js'
import { runCase, runScenario, summarize } from '../src/harness/runner.js'
import {
  defineScenario,
  higherIsBetter,
  type BenchCase,
  type ScenarioContext,
} from '../src/harness/scenario.js'
import { median, pairedRatios, ratio, spreadPct } from '../src/harness/stats.js'
import { SCENARIO_NAMES, loadScenario } from '../src/scenarios/registry.js'
import { generateModels, loadMigrationApi } from '../src/scenarios/migrate-diff.js'
import { openFileLimit } from '../src/scenarios/ws-fanout.js'

const ctx: ScenarioContext = {
  durationSec: 1,
  iterationScale: 0.01,
  connections: 1,
  pipelining: 1,
  distDir: '/nowhere',
  log: () => undefined,
}

/** A contender that returns the next value of `values` each round and records when it ran. */
function fake(name: string, values: number[], order: string[]) {
  let i = 0
  return {
    name,
    run: async ({ warmup }: { warmup: boolean }) => {
      order.push(warmup ? `${name}*` : name)
      return warmup ? 0 : (values[i++] ?? 0)
    },
  }
}

describe('stats', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(() => median([])).toThrow(RangeError)
  })

  it('measures the spread as (max - min) / median in percent', () => {
    expect(spreadPct([90, 100, 110])).toBeCloseTo(20)
    expect(spreadPct([5])).toBe(0)
  })

  it('takes ratios and per-round paired ratios', () => {
    expect(ratio(90, 100)).toBeCloseTo(0.9)
    expect(ratio(1, 0)).toBeNaN()
    expect(pairedRatios([9, 8, 7], [10, 10])).toEqual([0.9, 0.8])
  })
})

describe('checkGoal', () => {
  const results = [
    { name: 'fastify', samples: [100], median: 100, spreadPct: 0 },
    { name: 'mega', samples: [92], median: 92, spreadPct: 0, ratio: 0.92 },
  ]

  it('passes or misses a ratio bound', () => {
    const pass = checkGoal(
      { contender: 'mega', measure: 'ratio', atLeast: 0.9 },
      results,
      'req/s',
      'fastify',
    )
    expect(pass).toMatchObject({ label: '≥ 0.90 × fastify', actual: 0.92, pass: true })
    const miss = checkGoal(
      { contender: 'mega', measure: 'ratio', atLeast: 0.95 },
      results,
      'req/s',
      'fastify',
    )
    expect(miss.pass).toBe(false)
  })

  it('checks a value bound against the median', () => {
    const goal = checkGoal(
      { contender: 'mega', measure: 'value', atMost: 150 },
      results,
      'ms',
      undefined,
    )
    expect(goal).toMatchObject({ label: '≤ 150 ms', actual: 92, pass: true })
  })

  it('misses when the contender has no result', () => {
    const goal = checkGoal(
      { contender: 'nest', measure: 'ratio', atLeast: 0.5 },
      results,
      'req/s',
      'fastify',
    )
    expect(goal.pass).toBe(false)
    expect(goal.actual).toBeNaN()
  })

  it('takes a ratio against another contender than the reference when the goal names one', () => {
    const three = [
      ...results,
      { name: 'nest', samples: [46], median: 46, spreadPct: 0, ratio: 0.46 },
    ]
    const goal = checkGoal(
      { contender: 'mega', measure: 'ratio', versus: 'nest', atLeast: 2 },
      three,
      'req/s',
      'fastify',
    )
    expect(goal).toMatchObject({ label: '≥ 2.00 × nest', actual: 2, versus: 'nest', pass: true })
    const absent = checkGoal(
      { contender: 'mega', measure: 'ratio', versus: 'nest', atLeast: 2 },
      results,
      'req/s',
      'fastify',
    )
    expect(absent.actual).toBeNaN()
  })
})

describe('runCase', () => {
  it('warms up, then runs the contenders in alternation and derives ratios and verdicts', async () => {
    const order: string[] = []
    const c: BenchCase = {
      name: 'fake',
      unit: 'req/s',
      reference: 'a',
      contenders: [fake('a', [100, 110, 90], order), fake('b', [80, 99, 90], order)],
      goals: [{ contender: 'b', measure: 'ratio', atLeast: 0.9 }],
    }
    const result = await runCase(c, { rounds: 3, warmup: 1 })
    expect(order).toEqual(['a*', 'b*', 'a', 'b', 'a', 'b', 'a', 'b'])
    expect(result.contenders.map((x) => [x.name, x.median, x.ratio])).toEqual([
      ['a', 100, undefined],
      ['b', 90, 0.9],
    ])
    expect(result.contenders[1]?.ratioRange).toEqual([0.8, 1])
    expect(result.goals[0]).toMatchObject({ pass: true, label: '≥ 0.90 × a' })
  })

  it('reports a failing contender as a failed case instead of throwing', async () => {
    const c: BenchCase = {
      name: 'boom',
      unit: 'ops/s',
      contenders: [{ name: 'x', run: () => Promise.reject(new Error('no server')) }],
    }
    expect(await runCase(c, { rounds: 1, warmup: 0 })).toMatchObject({ error: 'no server' })
  })

  it('refuses a sample that is not a finite number', async () => {
    const c: BenchCase = {
      name: 'nan',
      unit: 'ms',
      contenders: [{ name: 'x', run: async () => NaN }],
    }
    expect((await runCase(c, { rounds: 1, warmup: 0 })).error).toMatch(/finite/)
  })

  it('passes an unavailable case through without running anything', async () => {
    const c: BenchCase = {
      name: 'later',
      unit: 'ms',
      contenders: [],
      unavailable: 'not available yet',
    }
    expect(await runCase(c, { rounds: 1, warmup: 0 })).toMatchObject({
      unavailable: 'not available yet',
    })
  })
})

describe('runScenario', () => {
  it('tears down after the cases, even when setup state is used by a failing case', async () => {
    const events: string[] = []
    const scenario = defineScenario({
      name: 'fake',
      title: 'a fake scenario',
      setup: async () => {
        events.push('setup')
        return { value: 7 }
      },
      contenders: (state): BenchCase[] => [
        { name: 'ok', unit: 'ops/s', contenders: [{ name: 'x', run: async () => state.value }] },
        {
          name: 'bad',
          unit: 'ops/s',
          contenders: [{ name: 'y', run: () => Promise.reject(new Error('x')) }],
        },
      ],
      teardown: async () => {
        events.push('teardown')
      },
    })
    const result = await runScenario(
      scenario,
      ctx,
      { rounds: 2, warmup: 0 },
      {
        settings: 's',
        now: () => new Date('2026-01-02T03:04:05Z'),
        machine: () => 'a machine',
      },
    )
    expect(events).toEqual(['setup', 'teardown'])
    expect(result.cases.map((c) => c.error)).toEqual([undefined, 'x'])
    expect(result).toMatchObject({ measuredAt: '2026-01-02T03:04:05.000Z', machine: 'a machine' })
  })

  it('reports a failed setup without calling teardown', async () => {
    let tornDown = false
    const scenario = defineScenario({
      name: 'broken',
      title: 'setup throws',
      setup: () => Promise.reject(new Error('no database')),
      contenders: () => [],
      teardown: async () => {
        tornDown = true
      },
    })
    const result = await runScenario(scenario, ctx, { rounds: 1, warmup: 0 }, { settings: '' })
    expect(result.error).toBe('setup failed: no database')
    expect(tornDown).toBe(false)
  })
})

function scenarioResult(name: string, mega: number): ScenarioResult {
  return {
    name,
    title: `${name} title`,
    measuredAt: '2026-01-02T03:04:05.000Z',
    machine: 'a machine',
    settings: 'settings',
    cases: [
      {
        name: 'GET /',
        unit: 'req/s',
        reference: 'fastify',
        contenders: [
          { name: 'fastify', samples: [100], median: 100, spreadPct: 0 },
          {
            name: 'mega',
            samples: [mega],
            median: mega,
            spreadPct: 0,
            ratio: mega / 100,
            ratioRange: [mega / 100, mega / 100],
          },
        ],
        goals: [
          {
            contender: 'mega',
            label: '≥ 0.90 × fastify',
            actual: mega / 100,
            measure: 'ratio',
            pass: mega >= 90,
          },
        ],
        notes: [],
      },
    ],
  }
}

describe('mergeReport', () => {
  const run = { date: '2026-01-02T03:04:05.000Z', machine: 'a machine', scenarios: ['http-hello'] }

  it('renders the goal table with PASS and MISS', () => {
    const text = mergeReport(undefined, [scenarioResult('http-hello', 80)], SCENARIO_NAMES, run)
    expect(text).toContain('| http-hello | GET / | mega | ≥ 0.90 × fastify | 0.80 × | **MISS** |')
    expect(text).toContain(
      '| mega | 80 req/s | 0.0 % | 0.80 | 0.80 – 0.80 | ≥ 0.90 × fastify: **MISS** |',
    )
  })

  it('replaces the sections that ran and keeps the others and the free text', () => {
    const first = mergeReport(
      undefined,
      [scenarioResult('http-json', 95), scenarioResult('http-hello', 80)],
      SCENARIO_NAMES,
      run,
    )
    const edited = `${first}\n## Analysis\n\nWritten by hand.\n`
    const second = mergeReport(edited, [scenarioResult('http-hello', 97)], SCENARIO_NAMES, run)
    const embedded = readEmbeddedResults(second)
    expect([...embedded.keys()]).toEqual(['http-json', 'http-hello'])
    expect(embedded.get('http-hello')?.cases[0]?.contenders[1]?.median).toBe(97)
    expect(embedded.get('http-json')?.cases[0]?.contenders[1]?.median).toBe(95)
    expect(second).toContain('## Analysis\n\nWritten by hand.')
    expect(second).not.toContain('Last full run')
    const full = mergeReport(second, [], SCENARIO_NAMES, { ...run, full: true })
    const partial = mergeReport(full, [], SCENARIO_NAMES, {
      ...run,
      date: '2026-02-03T00:00:00.000Z',
    })
    expect(partial).toContain('Last full run: 2026-01-02 03:04 UTC')
    expect(partial).toContain('Last run: 2026-02-03 00:00 UTC')
    expect(second.match(/Written by hand/g)).toHaveLength(1)
  })
})

describe('options', () => {
  it('defaults to a full run written to RESULTS.md', () => {
    expect(resolveOptions([])).toMatchObject({
      scenarios: [],
      rounds: 5,
      durationSec: 5,
      out: 'RESULTS.md',
    })
  })

  it('takes scenarios after turbo\'s "--" and writes nothing on a quick run', () => {
    const o = resolveOptions(['--', 'http-json', '--quick'])
    expect(o).toMatchObject({
      scenarios: ['http-json'],
      rounds: 2,
      iterationScale: 0.1,
      out: undefined,
    })
  })

  it('refuses a bad number and lists every option in the help', () => {
    expect(() => resolveOptions(['--rounds', '0'])).toThrow(/--rounds/)
    expect(helpText(['a'])).toContain('--duration <value>')
  })

  it('shows a third decimal only where two would round a ratio onto its bound', () => {
    expect(formatRatio(0.9234, 0.9)).toBe('0.92')
    expect(formatRatio(0.8959, 0.9)).toBe('0.896')
    expect(formatRatio(0.9, 0.9)).toBe('0.90')
  })

  it('formats values by unit', () => {
    expect(formatValue(41203.7, 'req/s')).toBe('41,204 req/s')
    expect(formatValue(12.34, 'ms')).toBe('12.3 ms')
    expect(formatValue(8.64, 'KB')).toBe('8.6 KB')
    expect(formatValue(51529.4, 'msg/s')).toBe('51,529 msg/s')
    expect(higherIsBetter('msg/s')).toBe(true)
    expect(higherIsBetter('KB')).toBe(false)
  })

  it('reports a percentage: two decimals, higher is better, a goal on the value', () => {
    expect(formatValue(100, '%')).toBe('100.00 %')
    expect(formatValue(99.956, '%')).toBe('99.96 %')
    expect(higherIsBetter('%')).toBe(true)
    const delivered = (median: number) => [
      { name: 'mega', samples: [median], median, spreadPct: 0 },
    ]
    const goal = { contender: 'mega', measure: 'value', atLeast: 100 } as const
    expect(checkGoal(goal, delivered(100), '%', undefined)).toMatchObject({
      label: '≥ 100 %',
      pass: true,
    })
    expect(checkGoal(goal, delivered(99.96), '%', undefined).pass).toBe(false)
    const c = {
      name: 'delivery',
      unit: '%' as const,
      contenders: [{ name: 'mega', run: async () => 99.5 }],
      goals: [goal],
    }
    const text = renderScenario({
      name: 'pct',
      title: 'a share',
      measuredAt: '2026-12-06T17:00:00.000Z',
      machine: 'test',
      settings: '1 round',
      cases: [summarize(c, new Map([['mega', [{ value: 99.5 }]]]))],
    })
    expect(text).toContain('### delivery (%, higher is better)')
    expect(text).toContain('| mega | 99.50 % | 0.0 % | ≥ 100 %: **MISS** |')
  })
})

describe('scenarios', () => {
  it.each(SCENARIO_NAMES)('loads %s with setup, contenders and teardown', async (name) => {
    const scenario = await loadScenario(name)
    expect(scenario.name).toBe(name)
  })

  it('finds the migration functions when they exist, and lists the missing ones otherwise', () => {
    expect(loadMigrationApi({ scanModels: () => undefined })).toEqual({
      missing: ['diffSchemas', 'generateMigration'],
    })
    const fns = { scanModels: () => 1, diffSchemas: () => 2, generateMigration: () => 3 }
    expect(loadMigrationApi(fns)).toEqual({ api: fns })
  })

  it('reads the open-file limit ws-fanout needs from /proc/self/limits', () => {
    const limits = [
      'Limit                     Soft Limit           Hard Limit           Units',
      'Max open files            1024                 524288               files',
    ].join('\n')
    expect(openFileLimit(limits)).toBe(1024)
    expect(openFileLimit(limits.replace('1024', 'unlimited'))).toBeUndefined()
  })

  it('generates valid models for migrate-diff', () => {
    const models = generateModels(5)
    expect(models.map((m) => m.table)).toEqual([
      'table_000',
      'table_001',
      'table_002',
      'table_003',
      'table_004',
    ])
    expect(Object.keys(models[1]?.columns ?? {})).toContain('parent_id')
  })
})
