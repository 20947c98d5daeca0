import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { run } from '@mega/test-utils'

/** The monorepo's root folder. */
export const WORKSPACE_ROOT = new URL('../../..', import.meta.url).pathname

/** A workspace package that gets published. */
export interface PublishablePackage {
  readonly name: string
  readonly version: string
  readonly dir: string
}

/** Every package under `packages/` that is not private: what a release would publish. */
export async function publishablePackages(): Promise<PublishablePackage[]> {
  const found: PublishablePackage[] = []
  for (const entry of await readdir(join(WORKSPACE_ROOT, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const dir = join(WORKSPACE_ROOT, 'packages', entry.name)
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      name: string
      version: string
      private?: boolean
    }
    if (pkg.private !== true) found.push({ name: pkg.name, version: pkg.version, dir })
  }
  return found.sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * Packs each package with `pnpm pack` (which turns `workspace:` and `catalog:` ranges into real
 * versions, as publishing does) into `dest`, and returns the tarballs' paths. The packages must be
 * built: the tarballs hold `dist/`.
 */
export async function packAll(packages: readonly PublishablePackage[], dest: string) {
  const tarballs: string[] = []
  for (const pkg of packages) {
    const output = await run('pnpm', ['pack', '--pack-destination', dest], { cwd: pkg.dir })
    const file = output.trim().split('\n').at(-1)!.trim()
    tarballs.push(file.startsWith('/') ? file : join(dest, file))
  }
  return tarballs
}
