import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const LOCAL_IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g

/**
 * Transpiles `entries` (TypeScript files under `srcRoot`) and every file they import by a relative
 * `.js` specifier into `outDir` as ES2022 JavaScript, keeping the folder layout. Type-only: no type
 * checking and no build of the rest of the package, so a child `node` process can load the result.
 *
 * @returns the absolute paths of the written `.js` files, entries first
 */
export async function transpileModules(
  srcRoot: string,
  entries: readonly string[],
  outDir: string,
): Promise<string[]> {
  const queue = entries.map((entry) => resolve(srcRoot, entry))
  const written: string[] = []
  for (const seen = new Set<string>(); queue.length > 0;) {
    const file = queue.shift()!
    if (seen.has(file)) continue
    seen.add(file)
    const source = await readFile(file, 'utf8')
    const target = join(outDir, relative(srcRoot, file)).replace(/\.ts$/, '.js')
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, transpile(source, file))
    written.push(target)
    for (const match of source.matchAll(LOCAL_IMPORT))
      queue.push(resolve(dirname(file), `${match[1]}.ts`))
  }
  return written
}

function transpile(source: string, fileName: string): string {
  const options = {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
    verbatimModuleSyntax: true,
  }
  return ts.transpileModule(source, { compilerOptions: options, fileName }).outputText
}
