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

function cyclesOf(pkg: string): string[] {
  const src = join(root, 'packages', pkg, 'src')
  return findCycles(importGraph(root, src)).map(formatCycle)
}

describe('import cycles', () => {
  it.each(packages)('packages/%s/src has none', (pkg) => {
    expect(cyclesOf(pkg)).toEqual([])
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
