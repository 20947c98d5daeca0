// Goals are targets printed beside a result (PASS/MISS), never assertions.
import type { ContenderResult, GoalResult } from './results.js'
import type { Goal, Unit } from './scenario.js'

function formatBound(goal: Goal, unit: Unit, reference: string | undefined): string {
  const fmt = (n: number) =>
    goal.measure === 'ratio' ? `${n.toFixed(2)} × ${reference ?? '?'}` : `${n} ${unit}`
  if (goal.atLeast !== undefined && goal.atMost !== undefined)
    return `${fmt(goal.atLeast)} … ${fmt(goal.atMost)}`
  if (goal.atLeast !== undefined) return `≥ ${fmt(goal.atLeast)}`
  if (goal.atMost !== undefined) return `≤ ${fmt(goal.atMost)}`
  return 'no bound'
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
  const actual = (goal.measure === 'ratio' ? found?.ratio : found?.median) ?? Number.NaN
  const bound = goal.atLeast ?? goal.atMost
  const pass =
    !Number.isNaN(actual) &&
    (goal.atLeast === undefined || actual >= goal.atLeast) &&
    (goal.atMost === undefined || actual <= goal.atMost)
  return {
    contender: goal.contender,
    label: formatBound(goal, unit, reference),
    actual,
    measure: goal.measure,
    ...(bound === undefined ? {} : { bound }),
    pass,
  }
}

/** `PASS` or `MISS`. */
export function verdict(goal: GoalResult): 'PASS' | 'MISS' {
  return goal.pass ? 'PASS' : 'MISS'
}
