/**
 * Edit distance between two strings: insertions, deletions, substitutions and swaps of two
 * neighbouring letters (`nwe` → `new` is 1), each costing 1.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The closest candidate to `input` when it is close enough to be a typo (distance at most a third of
 * its length, and at least 1), else `undefined`. A candidate that starts with the input also counts.
 */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined
  for (const name of candidates) {
    const distance = name.startsWith(input) && input.length >= 2 ? 0.5 : editDistance(input, name)
    if (best === undefined || distance < best.distance) best = { name, distance }
  }
  if (best === undefined) return undefined
  return best.distance <= Math.max(1, Math.floor(input.length / 3)) ? best.name : undefined
}

/** `Did you mean "x"?` or an empty string. */
export function didYouMean(input: string, candidates: readonly string[], prefix = ''): string {
  const found = suggest(input, candidates)
  return found === undefined ? '' : ` Did you mean "${prefix}${found}"?`
}
