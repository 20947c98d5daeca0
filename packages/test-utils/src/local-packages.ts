import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** A package manager that installs an app. */
export type AppPackageManager = 'npm' | 'pnpm' | 'yarn'

type Manifest = {
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  overrides?: Record<string, string>
  pnpm?: { overrides?: Record<string, string> }
  resolutions?: Record<string, string>
}

/**
 * Points an app's `package.json` at local packages (`name → spec`, e.g. `file:./packs/x.tgz`): its own
 * dependencies on them, and, through the package manager's overrides (npm `overrides`, pnpm
 * `pnpm.overrides`, yarn `resolutions`), every dependency between them, so nothing comes from a
 * registry that has not got them.
 */
export async function useLocalPackages(
  app: string,
  specs: Readonly<Record<string, string>>,
  packageManager: AppPackageManager,
): Promise<void> {
  const file = join(app, 'package.json')
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Manifest
  for (const deps of [manifest.dependencies, manifest.devDependencies])
    for (const name of Object.keys(deps ?? {})) {
      const spec = specs[name]
      if (spec !== undefined) deps![name] = spec
    }
  if (packageManager === 'npm') manifest.overrides = { ...manifest.overrides, ...specs }
  else if (packageManager === 'pnpm')
    manifest.pnpm = { ...manifest.pnpm, overrides: { ...manifest.pnpm?.overrides, ...specs } }
  else manifest.resolutions = { ...manifest.resolutions, ...specs }
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`)
}
