import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

// The import graph of one package's sources and the cycles in it (used by import-cycles.test.ts).
// An edge is any static relative import or re-export, type-only ones included: a type cycle is a
// cycle in what a file needs to be understood, and it turns into a load-order cycle with one edit.

/** File → the files it imports, all paths relative to the same root. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>

/** The specifiers of a source's static imports and `export … from` (type-only ones included). */
export function importSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false)
  const found: string[] = []
  for (const statement of source.statements) {
    const specifier =
      ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)
        ? statement.moduleSpecifier
        : undefined
    if (specifier !== undefined && ts.isStringLiteral(specifier)) found.push(specifier.text)
  }
  return found
}

/** The file a relative specifier names (`./x.js` → `x.ts`, `./dir` → `dir/index.ts`), if any. */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier)
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]
  return candidates.find((file) => file.endsWith('.ts') && existsSync(file))
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** The graph of every `.ts` file under `srcDir` and its relative imports, paths relative to `root`. */
export function importGraph(root: string, srcDir: string): ImportGraph {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(srcDir)) {
    const targets = importSpecifiers(file, readFileSync(file, 'utf8'))
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveRelative(file, specifier))
      .filter((target): target is string => target !== undefined)
      .map((target) => relative(root, target))
    graph.set(relative(root, file), [...new Set(targets)].sort())
  }
  return graph
}

/** Groups of files that reach each other (Tarjan's strongly connected components, size > 1 or a self-import). */
function tangles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (node: string): void => {
    index.set(node, index.size)
    low.set(node, index.get(node)!)
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue
      if (!index.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!))
    }
    if (low.get(node) !== index.get(node)) return
    const group: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      group.push(member)
    } while (member !== node)
    if (group.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(group.sort())
  }
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node)
  return found
}

/**
 * Every elementary cycle of the graph, each starting at its smallest file (so a cycle has one
 * spelling), sorted. At most `limit` cycles per tangle: past that, listing more helps no one.
 */
export function findCycles(graph: ImportGraph, limit = 50): string[][] {
  const cycles: string[][] = []
  for (const group of tangles(graph)) {
    const members = new Set(group)
    let count = 0
    // Cycles through `start` that visit only files after it in the group's order: each cycle once.
    for (const start of group) {
      const path = [start]
      const walk = (node: string): void => {
        for (const next of graph.get(node) ?? []) {
          if (count >= limit || !members.has(next) || next < start) continue
          if (next === start) {
            cycles.push([...path])
            count += 1
          } else if (!path.includes(next)) {
            path.push(next)
            walk(next)
            path.pop()
          }
        }
      }
      walk(start)
    }
  }
  return cycles.sort((a, b) => a.join(' ').localeCompare(b.join(' ')))
}

/** A cycle as one line: `a.ts → b.ts → a.ts`. */
export function formatCycle(cycle: readonly string[]): string {
  return [...cycle, cycle[0]].join(' → ')
}
