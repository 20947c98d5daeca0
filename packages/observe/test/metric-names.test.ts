import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { METRIC_NAMES } from '../src/metric-names.js'

describe('METRIC_NAMES', () => {
  it('are all valid, distinct, and documented in the README metric table', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
    const table = readme.slice(readme.indexOf('### Standard metric names'))
    const names = Object.values(METRIC_NAMES)
    expect(new Set(names).size).toBe(names.length)
    const jobs = /`mega_jobs_\{([a-z_,]+)\}_total`/.exec(table)?.[1]?.split(',') ?? []
    const documented = new Set([
      ...[...table.matchAll(/`(mega_[a-z_]+)`/g)].map((m) => m[1]),
      ...jobs.map((j) => `mega_jobs_${j}_total`),
    ])
    for (const name of names) {
      expect(name).toMatch(/^mega_[a-z_]+$/)
      expect(documented.has(name), `${name} is missing from the README table`).toBe(true)
    }
  })
})
