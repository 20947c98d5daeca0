import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const LOCAL_IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g

/**
 * Transpiles `entries` (TypeScript files under `srcRoot`) and every file they import by a relative
 * `.js` specifier into `outDir` as ES2022 JavaScript, keeping the layout, so a child `node` process
 * can load them (Node 20 cannot run TypeScript). No type checking, no build of the package. Symlink
 * the package's `node_modules` into `outDir` so their bare imports resolve.
 *
 * @returns the absolute paths of the written entry files, in order
 */
export async function transpileForChild(
  srcRoot: string,
  entries: readonly string[],
  outDir: string,
): Promise<string[]> {
  const queue = entries.map((entry) => resolve(srcRoot, entry))
  for (const seen = new Set<string>(); queue.length > 0;) {
    const file = queue.shift()!
    if (seen.has(file)) continue
    seen.add(file)
    const source = await readFile(file, 'utf8')
    const target = join(outDir, relative(srcRoot, file)).replace(/\.ts$/, '.js')
    await mkdir(dirname(target), { recursive: true })
    const options = {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    }
    await writeFile(
      target,
      ts.transpileModule(source, { compilerOptions: options, fileName: file }).outputText,
    )
    for (const match of source.matchAll(LOCAL_IMPORT))
      queue.push(resolve(dirname(file), `${match[1]}.ts`))
  }
  return entries.map((entry) => join(outDir, entry).replace(/\.ts$/, '.js'))
}
