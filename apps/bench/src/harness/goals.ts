// Goals are targets printed beside a result (PASS/MISS), never assertions.
import type { ContenderResult, GoalResult } from './results.js'
import type { Goal, Unit } from './scenario.js'
import { ratio } from './stats.js'

function formatBound(goal: Goal, unit: Unit, reference: string | undefined): string {
  const fmt = (n: number) =>
    goal.measure === 'ratio' ? `${n.toFixed(2)} × ${reference ?? '?'}` : `${n} ${unit}`
  if (goal.atLeast !== undefined && goal.atMost !== undefined)
    return `${fmt(goal.atLeast)} … ${fmt(goal.atMost)}`
  if (goal.atLeast !== undefined) return `≥ ${fmt(goal.atLeast)}`
  if (goal.atMost !== undefined) return `≤ ${fmt(goal.atMost)}`
  return 'no bound'
}

/** The contender's median over the reference's, or over `goal.versus`'s median when set. */
function ratioOf(
  goal: Goal,
  found: ContenderResult | undefined,
  contenders: readonly ContenderResult[],
): number | undefined {
  if (goal.versus === undefined) return found?.ratio
  const other = contenders.find((c) => c.name === goal.versus)
  return found === undefined || other === undefined ? undefined : ratio(found.median, other.median)
}

/**
 * Checks one goal against a case's contender results.
 *
 * @example
 * checkGoal({ contender: 'mega', measure: 'ratio', atLeast: 0.9 }, results, 'req/s', 'fastify')
 * // { label: '≥ 0.90 × fastify', actual: 0.93, pass: true, ... }
 */
export function checkGoal(
  goal: Goal,
  contenders: readonly ContenderResult[],
  unit: Unit,
  reference: string | undefined,
): GoalResult {
  const found = contenders.find((c) => c.name === goal.contender)
  const actual =
    (goal.measure === 'value' ? found?.median : ratioOf(goal, found, contenders)) ?? Number.NaN
  const bound = goal.atLeast ?? goal.atMost
  const pass =
    !Number.isNaN(actual) &&
    (goal.atLeast === undefined || actual >= goal.atLeast) &&
    (goal.atMost === undefined || actual <= goal.atMost)
  return {
    contender: goal.contender,
    label: formatBound(goal, unit, goal.versus ?? reference),
    actual,
    measure: goal.measure,
    ...(goal.versus === undefined ? {} : { versus: goal.versus }),
    ...(bound === undefined ? {} : { bound }),
    pass,
  }
}

/** `PASS` or `MISS`. */
export function verdict(goal: GoalResult): 'PASS' | 'MISS' {
  return goal.pass ? 'PASS' : 'MISS'
}
