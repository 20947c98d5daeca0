import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import ts from 'typescript'

interface PackageJson {
  readonly exports?: Readonly<Record<string, Readonly<Record<string, string>> | string>>
}

/** The source entry of a workspace package (its `@mega/source` export), looked up from `fromDir`. */
function sourceEntryOf(specifier: string, fromDir: string): string {
  const [scope = '', name = '', ...rest] = specifier.split('/')
  const subpath = rest.length === 0 ? '.' : `./${rest.join('/')}`
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', scope, name)
    if (existsSync(join(pkgDir, 'package.json'))) {
      const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as PackageJson
      const target = pkg.exports?.[subpath]
      const source = typeof target === 'object' ? target['@mega/source'] : undefined
      if (source === undefined) break
      return join(pkgDir, source)
    }
    if (dirname(dir) === dir) break
  }
  throw new Error(`cannot follow "export * from '${specifier}'": no @mega/source entry`)
}

function targetOf(specifier: string, fromFile: string): string {
  if (!specifier.startsWith('.')) return sourceEntryOf(specifier, dirname(fromFile))
  return resolve(dirname(fromFile), specifier).replace(/\.js$/, '.ts')
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node)
    ? (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    : false
}

function collect(file: string, names: Set<string>): void {
  const text = readFileSync(file, 'utf8')
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false)
  for (const node of source.statements) {
    if ((ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && isExported(node))
      names.add(node.name.text)
    if (!ts.isExportDeclaration(node)) continue
    const clause = node.exportClause
    if (clause !== undefined && ts.isNamedExports(clause)) {
      for (const element of clause.elements)
        if (node.isTypeOnly || element.isTypeOnly) names.add(element.name.text)
    } else if (clause === undefined && node.moduleSpecifier !== undefined) {
      const specifier = (node.moduleSpecifier as ts.StringLiteral).text
      collect(targetOf(specifier, file), names)
    }
  }
}

/**
 * The sorted names of the types (interfaces and type aliases) a package's entry exports, read from
 * its source with the TypeScript parser: `export type { ... }`, `export { type X }`, exported
 * declarations, and `export * from` followed into the file or workspace package it names. The
 * repo compiles with `verbatimModuleSyntax`, so every type-only export is marked as such.
 * `test/exports.test.ts` snapshots them next to {@link exportNames}, so removing a type shows.
 *
 * @param entry - the entry file, e.g. `new URL('../src/index.ts', import.meta.url).pathname`
 */
export function typeExportNames(entry: string): string[] {
  const names = new Set<string>()
  collect(entry, names)
  return [...names].sort()
}
