import type { Unit } from './scenario.js'

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const oneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
})
const twoDecimals = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
})

function formatterOf(unit: Unit): Intl.NumberFormat {
  if (unit === '%') return twoDecimals
  return unit === 'ms' || unit === 'KB' ? oneDecimal : integer
}

/**
 * A measured value with its unit: throughputs as integers, times and sizes with one decimal,
 * percentages with two (99.96 % must not read as a "100.0 %" that missed its goal).
 *
 * @example formatValue(41203.7, 'req/s') // '41,204 req/s'
 * @example formatValue(3.14, 'KB') // '3.1 KB'
 * @example formatValue(99.956, '%') // '99.96 %'
 */
export function formatValue(value: number, unit: Unit): string {
  if (Number.isNaN(value)) return 'n/a'
  return `${formatterOf(unit).format(value)} ${unit}`
}

/**
 * A ratio with two decimals, or three where two would round it onto a goal's bound (0.896 is not
 * shown as a missed "0.90").
 *
 * @example formatRatio(0.9234) // '0.92'
 * @example formatRatio(0.8959, 0.9) // '0.896'
 */
export function formatRatio(value: number, bound?: number): string {
  if (Number.isNaN(value)) return 'n/a'
  const two = value.toFixed(2)
  return bound !== undefined && two === bound.toFixed(2) && value !== bound ? value.toFixed(3) : two
}

/**
 * A percentage with one decimal.
 *
 * @example formatPct(6.12) // '6.1 %'
 */
export function formatPct(value: number): string {
  return `${oneDecimal.format(value)} %`
}

/**
 * A date as `YYYY-MM-DD HH:MM UTC`.
 *
 * @example formatDate('2026-11-21T22:40:11.000Z') // '2026-11-21 22:40 UTC'
 */
export function formatDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}
