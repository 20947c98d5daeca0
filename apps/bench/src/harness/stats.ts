// The arithmetic of a result: medians, spread and ratios. No timing happens here.

/**
 * The median of the samples (mean of the two middle ones for an even count).
 *
 * @example median([3, 1, 2]) // 2
 */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('median of no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const upper = sorted[mid] as number
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2
}

/**
 * The spread of the samples: (max − min) / median, in percent. 0 for a single sample.
 *
 * @example spreadPct([90, 100, 110]) // 20
 */
export function spreadPct(samples: readonly number[]): number {
  const mid = median(samples)
  if (mid === 0) return 0
  return ((Math.max(...samples) - Math.min(...samples)) / Math.abs(mid)) * 100
}

/**
 * `value / reference`; `NaN` when the reference is 0.
 *
 * @example ratio(90, 100) // 0.9
 */
export function ratio(value: number, reference: number): number {
  return reference === 0 ? Number.NaN : value / reference
}

/**
 * The ratio of each round's samples (round i of the contender over round i of the reference): the
 * alternation makes them pairs measured under the same machine load.
 *
 * @example pairedRatios([9, 8], [10, 10]) // [0.9, 0.8]
 */
export function pairedRatios(values: readonly number[], reference: readonly number[]): number[] {
  const n = Math.min(values.length, reference.length)
  return Array.from({ length: n }, (_, i) => ratio(values[i] as number, reference[i] as number))
}
