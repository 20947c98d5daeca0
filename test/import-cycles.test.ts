import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findCycles, formatCycle, importGraph, importSpecifiers } from './import-cycles.js'

// No file of a package reaches itself through its own imports: a cycle means two files that cannot
// be understood, tested or moved apart (and, once a type import becomes a value import, a module
// that reads an uninitialised binding at load time).

const root = new URL('..', import.meta.url).pathname
const packages = readdirSync(join(root, 'packages')).filter((dir) =>
  existsSync(join(root, 'packages', dir, 'src')),
)

// The cycles @mega/db has today, each as found (starting at its smallest file). They are being
// taken apart elsewhere (issue 12: one folder per dialect for the introspectors; the CRUD split for
// create-crud ↔ mongo-crud). Delete this list when that work lands: the test below fails on an
// entry that no longer exists, so the list cannot outlive the cycles.
const ALLOWED_CYCLES: Readonly<Record<string, readonly (readonly string[])[]>> = {
  db: [
    ['packages/db/src/crud/create-crud.ts', 'packages/db/src/crud/mongo-crud.ts'],
    [
      'packages/db/src/migrations/dialects/maria-introspector.ts',
      'packages/db/src/migrations/introspect.ts',
    ],
    [
      'packages/db/src/migrations/dialects/postgres-introspector.ts',
      'packages/db/src/migrations/introspect.ts',
    ],
    [
      'packages/db/src/migrations/dialects/sqlite-introspector.ts',
      'packages/db/src/migrations/introspect.ts',
    ],
  ],
}

function cyclesOf(pkg: string): string[] {
  const src = join(root, 'packages', pkg, 'src')
  return findCycles(importGraph(root, src)).map(formatCycle)
}

describe('import cycles', () => {
  it.each(packages)('packages/%s/src has none beyond its allow-list', (pkg) => {
    const allowed = new Set((ALLOWED_CYCLES[pkg] ?? []).map(formatCycle))
    expect(cyclesOf(pkg).filter((cycle) => !allowed.has(cycle))).toEqual([])
  })

  it.each(Object.keys(ALLOWED_CYCLES))('allows only cycles that %s still has', (pkg) => {
    const found = new Set(cyclesOf(pkg))
    const gone = (ALLOWED_CYCLES[pkg] ?? []).map(formatCycle).filter((c) => !found.has(c))
    // An entry listed here is fixed: delete it from ALLOWED_CYCLES.
    expect(gone).toEqual([])
  })
})

describe('the cycle finder', () => {
  it('reads imports, type imports and re-exports, not dynamic imports', () => {
    const text = [
      "import { a } from './a.js'",
      "import type { B } from '../b.js'",
      "import './side-effect.js'",
      "export { c } from './c.js'",
      "export type * from './d.js'",
      "import { z } from 'zod'",
      "const lazy = () => import('./lazy.js')",
      'export { lazy }',
    ].join('\n')
    expect(importSpecifiers('x.ts', text)).toEqual([
      './a.js',
      '../b.js',
      './side-effect.js',
      './c.js',
      './d.js',
      'zod',
    ])
  })

  it('finds every cycle once, starting at its smallest file', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'a']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
      ['f', []],
    ])
    expect(findCycles(graph).map(formatCycle)).toEqual(['a → b → a', 'a → b → c → a', 'd → d'])
  })

  it('finds none in a graph without cycles', () => {
    const graph = new Map([
      ['a', ['b', 'c']],
      ['b', ['c']],
      ['c', []],
    ])
    expect(findCycles(graph)).toEqual([])
  })
})
