// A project made by `mega new` and installed from the workspace's packed packages, as a user would
// get it. Needs `pnpm build` first (the tarballs hold dist/) and pnpm on PATH; installs from pnpm's
// store, so it runs in seconds when warm.
import { join } from 'node:path'
import { run, tempDir, useLocalPackages } from '@mega/test-utils'

const workspace = new URL('../../../..', import.meta.url).pathname

/** The `mega` bin of this checkout. */
const MEGA_BIN = new URL('../../bin/mega.js', import.meta.url).pathname

/** The packages a new project depends on. */
const PACKAGES = ['observe', 'core', 'db', 'cli'] as const

/** Runs `command args` in `cwd`; a non-zero exit rejects with everything it printed. */
export const must = (command: string, args: readonly string[], cwd: string) =>
  run(command, args, { cwd })

/**
 * Packs the workspace packages, runs `mega new <name> --skip-install` in a temporary folder (removed
 * when the test ends), points the project at the tarballs and installs it. Resolves the project root.
 */
export async function installedApp(name: string): Promise<string> {
  return (await newInstalledApp(name)).app
}

/**
 * {@link installedApp} with more `mega new` arguments (`--auth`); resolves the project root and what
 * `mega new` printed.
 */
export async function newInstalledApp(
  name: string,
  args: readonly string[] = [],
): Promise<{ readonly app: string; readonly created: string }> {
  const tmp = await tempDir(`mega-${name}-`)
  const packs = join(tmp, 'packs')
  for (const p of PACKAGES)
    await must('pnpm', ['pack', '--pack-destination', packs], join(workspace, 'packages', p))
  const created = await must(
    process.execPath,
    [MEGA_BIN, 'new', name, ...args, '--skip-install'],
    tmp,
  )
  const app = join(tmp, name)
  await useLocalPackages(
    app,
    Object.fromEntries(
      PACKAGES.map((p) => [`@mega/${p}`, `file:${join(packs, `mega-${p}-0.1.0.tgz`)}`]),
    ),
    'pnpm',
  )
  await must('pnpm', ['install', '--prefer-offline', '--ignore-workspace'], app)
  return { app, created }
}
