// Runs cases with their contenders in alternation (A B A B ...) after warm-up rounds.
import { checkGoal } from './goals.js'
import { describeMachine } from './machine.js'
import type { CaseResult, ContenderResult, ScenarioResult } from './results.js'
import type { BenchCase, Sample, Scenario, ScenarioContext } from './scenario.js'
import { median, pairedRatios, ratio, spreadPct } from './stats.js'

/** How many rounds a case runs. */
export interface RunPlan {
  /** Measured rounds per contender. */
  readonly rounds: number
  /** Unrecorded rounds per contender before the measured ones. */
  readonly warmup: number
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function emptyResult(c: BenchCase, extra: Pick<CaseResult, 'unavailable' | 'error'>): CaseResult {
  return {
    name: c.name,
    unit: c.unit,
    ...(c.reference === undefined ? {} : { reference: c.reference }),
    contenders: [],
    goals: [],
    notes: c.notes ?? [],
    ...extra,
  }
}

/** Turns the samples of each contender into medians, spreads, ratios and goal verdicts. */
export function summarize(
  c: BenchCase,
  samples: ReadonlyMap<string, readonly Sample[]>,
): CaseResult {
  const values = (name: string) => (samples.get(name) ?? []).map((x) => x.value)
  const refSamples = c.reference === undefined ? undefined : values(c.reference)
  const refMedian = refSamples === undefined ? undefined : median(refSamples)
  const contenders = c.contenders.map((contender): ContenderResult => {
    const own = values(contender.name)
    const cpu = (samples.get(contender.name) ?? []).map((x) => x.cpuMicrosPerOp)
    const base = {
      name: contender.name,
      samples: own,
      median: median(own),
      spreadPct: spreadPct(own),
      ...(cpu.length > 0 && cpu.every((x) => x !== undefined)
        ? { cpuMicrosPerOp: median(cpu) }
        : {}),
    }
    if (refSamples === undefined || refMedian === undefined || contender.name === c.reference)
      return base
    const paired = pairedRatios(own, refSamples)
    return {
      ...base,
      ratio: ratio(base.median, refMedian),
      ratioRange: [Math.min(...paired), Math.max(...paired)],
    }
  })
  return {
    ...emptyResult(c, {}),
    contenders,
    goals: (c.goals ?? []).map((g) => checkGoal(g, contenders, c.unit, c.reference)),
  }
}

function checkSample(raw: number | Sample, who: string): Sample {
  const sample = typeof raw === 'number' ? { value: raw } : raw
  for (const n of [sample.value, sample.cpuMicrosPerOp ?? 0])
    if (!Number.isFinite(n) || n < 0)
      throw new Error(`${who} returned ${n}: a sample must be a finite number ≥ 0.`)
  return sample
}

/**
 * Runs one case: `plan.warmup` unrecorded rounds, then `plan.rounds` measured rounds, each round
 * running every contender once in the declared order. A contender that throws fails the case (its
 * error is reported), never the whole run.
 */
export async function runCase(
  c: BenchCase,
  plan: RunPlan,
  log: (line: string) => void = () => undefined,
): Promise<CaseResult> {
  if (c.unavailable !== undefined) return emptyResult(c, { unavailable: c.unavailable })
  const samples = new Map<string, Sample[]>(c.contenders.map((x) => [x.name, []]))
  try {
    for (let w = 1; w <= plan.warmup; w++)
      for (const contender of c.contenders) await contender.run({ round: -w, warmup: true })
    for (let round = 0; round < plan.rounds; round++) {
      for (const contender of c.contenders) {
        const sample = checkSample(await contender.run({ round, warmup: false }), contender.name)
        samples.get(contender.name)?.push(sample)
        const cpu = sample.cpuMicrosPerOp
        log(
          `  ${c.name} · round ${round + 1}/${plan.rounds} · ${contender.name}: ${sample.value.toFixed(1)} ${c.unit}${cpu === undefined ? '' : ` (${cpu.toFixed(1)} CPU µs/op)`}`,
        )
      }
    }
  } catch (err) {
    log(`  ${c.name} failed: ${messageOf(err)}`)
    return emptyResult(c, { error: messageOf(err) })
  }
  return summarize(c, samples)
}

/** What the runner adds to every scenario result. */
export interface RunMeta {
  readonly settings: string
  readonly now?: () => Date
  readonly machine?: () => string
}

/** Sets a scenario up, runs every case, and always tears it down once set up. */
export async function runScenario<S>(
  scenario: Scenario<S>,
  ctx: ScenarioContext,
  plan: RunPlan,
  meta: RunMeta,
): Promise<ScenarioResult> {
  const cases: CaseResult[] = []
  let error: string | undefined
  const machine = (meta.machine ?? describeMachine)()
  ctx.log(`${scenario.name}: ${scenario.title}`)
  let state: S
  try {
    state = await scenario.setup(ctx)
  } catch (err) {
    return finish(scenario, meta, machine, cases, `setup failed: ${messageOf(err)}`)
  }
  try {
    for (const c of scenario.contenders(state, ctx)) cases.push(await runCase(c, plan, ctx.log))
  } catch (err) {
    error = `failed: ${messageOf(err)}`
  } finally {
    try {
      await scenario.teardown(state)
    } catch (err) {
      error ??= `teardown failed: ${messageOf(err)}`
    }
  }
  return finish(scenario, meta, machine, cases, error)
}

function finish<S>(
  scenario: Scenario<S>,
  meta: RunMeta,
  machine: string,
  cases: CaseResult[],
  error: string | undefined,
): ScenarioResult {
  return {
    name: scenario.name,
    title: scenario.title,
    measuredAt: (meta.now ?? (() => new Date()))().toISOString(),
    machine,
    settings: meta.settings,
    cases,
    ...(error === undefined ? {} : { error }),
  }
}
