// The contract of a benchmark scenario: a small module with `setup`, `contenders` and `teardown`.

/**
 * The units a case is measured in, declared once. `%` is a share of what was owed (messages
 * delivered of those sent, say): higher is better, as for throughputs.
 */
export const UNITS = ['req/s', 'ops/s', 'msg/s', 'ms', 'KB', '%'] as const

/** One of {@link UNITS}. */
export type Unit = (typeof UNITS)[number]

/** `true` when a bigger sample is better (throughput); `false` for times and sizes. */
export function higherIsBetter(unit: Unit): boolean {
  return unit !== 'ms' && unit !== 'KB'
}

/** What a contender learns about the round it measures. */
export interface RoundInfo {
  /** 0-based round number; warm-up rounds are negative (-1, -2...). */
  readonly round: number
  readonly warmup: boolean
}

/** One round's measurement: the value in the case's unit, and optionally the CPU time it took. */
export interface Sample {
  readonly value: number
  /**
   * CPU time (user + system) per operation in microseconds, of the process doing the work. Unlike
   * throughput, it barely moves when other processes compete for the cores.
   */
  readonly cpuMicrosPerOp?: number
}

/** One implementation measured side by side with the others of its case. */
export interface Contender {
  readonly name: string
  /** Measures one round and resolves its sample (a bare number is the value). Throw to fail the case. */
  run(round: RoundInfo): Promise<number | Sample>
}

/**
 * A target, printed PASS or MISS beside the result (never a test assertion). `ratio` compares the
 * contender's median with the reference's (contender / reference), or with `versus`'s when set;
 * `value` compares the median itself.
 */
export interface Goal {
  readonly contender: string
  readonly measure: 'ratio' | 'value'
  /** For a `ratio`: the contender to divide by instead of the case's reference. */
  readonly versus?: string
  readonly atLeast?: number
  readonly atMost?: number
}

/** One measured comparison: contenders run in alternation, ratios taken against `reference`. */
export interface BenchCase {
  readonly name: string
  readonly unit: Unit
  /** Name of the contender ratios are taken against; omitted when a case has a single contender. */
  readonly reference?: string
  readonly contenders: readonly Contender[]
  readonly goals?: readonly Goal[]
  /** Set instead of contenders when the case cannot run here (missing API, service down...). */
  readonly unavailable?: string
  /** Lines printed under the case's table (what exactly is measured). */
  readonly notes?: readonly string[]
}

/** Per-run options every scenario sees. */
export interface ScenarioContext {
  /** Seconds of load per HTTP round. */
  readonly durationSec: number
  /** Multiplier on in-process iteration counts (1 for a real run, smaller for `--quick`). */
  readonly iterationScale: number
  readonly connections: number
  readonly pipelining: number
  /** Folder of the compiled harness (`dist/`), where child-process entries live. */
  readonly distDir: string
  readonly log: (line: string) => void
}

/** A benchmark scenario. `setup` prepares shared state, `contenders` turns it into cases. */
export interface Scenario<State = unknown> {
  /** What `pnpm bench <name>` takes. */
  readonly name: string
  /** One line: what is measured. */
  readonly title: string
  setup(ctx: ScenarioContext): Promise<State>
  contenders(state: State, ctx: ScenarioContext): readonly BenchCase[]
  /** Runs whenever setup succeeded, even when a case failed. */
  teardown(state: State): Promise<void>
}

/**
 * Declares a scenario (an identity function that keeps `State` inferred across the three hooks).
 *
 * @example
 * export default defineScenario({
 *   name: 'noop',
 *   title: 'nothing at all',
 *   setup: async () => ({}),
 *   contenders: () => [{ name: 'noop', unit: 'ops/s', contenders: [{ name: 'a', run: async () => 1 }] }],
 *   teardown: async () => {},
 * })
 */
export function defineScenario<State>(scenario: Scenario<State>): Scenario<State> {
  return scenario
}
