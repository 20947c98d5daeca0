// What a run produces: plain, JSON-serialisable results (RESULTS.md embeds them to rebuild its summary).
import type { Unit } from './scenario.js'

/** One contender's samples and what is derived from them. */
export interface ContenderResult {
  readonly name: string
  readonly samples: readonly number[]
  readonly median: number
  readonly spreadPct: number
  /** Median CPU µs per operation, when every sample reported it. */
  readonly cpuMicrosPerOp?: number
  /** Median over the reference's median; absent for the reference and single-contender cases. */
  readonly ratio?: number
  /** Lowest and highest per-round ratio (paired rounds). */
  readonly ratioRange?: readonly [number, number]
}

/** A goal checked against a case result. */
export interface GoalResult {
  readonly contender: string
  /** e.g. `≥ 0.90 × fastify`, `≤ 150 ms`. */
  readonly label: string
  /** The measured ratio or value; `NaN` when the contender has no result. */
  readonly actual: number
  readonly measure: 'ratio' | 'value'
  /** Set when the ratio is taken against this contender instead of the case's reference. */
  readonly versus?: string
  /** The bound the goal sets (its `atLeast`, else its `atMost`). */
  readonly bound?: number
  readonly pass: boolean
}

/** One case of a scenario, measured (or the reason it was not). */
export interface CaseResult {
  readonly name: string
  readonly unit: Unit
  readonly reference?: string
  readonly contenders: readonly ContenderResult[]
  readonly goals: readonly GoalResult[]
  readonly notes: readonly string[]
  readonly unavailable?: string
  readonly error?: string
}

/** One scenario's results with when, where and how they were measured. */
export interface ScenarioResult {
  readonly name: string
  readonly title: string
  /** ISO date-time of the end of the scenario's run. */
  readonly measuredAt: string
  /** One line: cores, CPU, Node version, load. */
  readonly machine: string
  /** One line: rounds, warm-up, duration or iterations. */
  readonly settings: string
  readonly cases: readonly CaseResult[]
  /** Set when setup or teardown failed. */
  readonly error?: string
}

/** `true` when anything in the scenario failed (not when a case was unavailable). */
export function scenarioFailed(result: ScenarioResult): boolean {
  return result.error !== undefined || result.cases.some((c) => c.error !== undefined)
}
