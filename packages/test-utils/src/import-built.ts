import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

interface PackageJson {
  readonly name: string
  readonly publishConfig?: {
    readonly exports?: Readonly<Record<string, { readonly import?: string } | string>>
  }
}

/**
 * Imports a package's built entry point the way a user of the published tarball would: the
 * `import` target of `publishConfig.exports[subpath]`, never the TypeScript source. Needs `pnpm build`.
 *
 * @param packageDir - the package folder (holding package.json)
 * @param subpath - the export to import (`'.'`, `'./internal'`). @default '.'
 */
export async function importBuilt(
  packageDir: string,
  subpath = '.',
): Promise<Record<string, unknown>> {
  const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as PackageJson
  const target = pkg.publishConfig?.exports?.[subpath]
  const entry = typeof target === 'object' ? target.import : undefined
  if (entry === undefined)
    throw new Error(`${pkg.name} has no publishConfig.exports['${subpath}'].import`)
  return (await import(pathToFileURL(join(packageDir, entry)).href)) as Record<string, unknown>
}

/** The sorted names a module exports (what `test/exports.test.ts` snapshots). */
export function exportNames(mod: object): string[] {
  return Object.keys(mod).sort()
}
