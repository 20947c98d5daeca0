import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import * as cliCore from '@mega/core'
import type { BootOptions, MegaRuntime } from '@mega/core'
import { CONFIG_FILES, importFromRoot } from '@mega/core/internal'
import { createLogger, createShutdown, type ShutdownCoordinator } from '@mega/observe'
import { cliError } from '../errors.js'
import { hasBuild } from './build-files.js'

/** `boot` from `@mega/core`, or a stand-in in tests. */
export type BootFn = (options: BootOptions) => Promise<MegaRuntime>

/**
 * The project root: `root` (relative to `cwd`) or `cwd`, which must hold a `mega.config.*` file (or,
 * with `acceptBuild`, a build: a deploy may ship `dist/` without the sources); otherwise
 * `MEGA_CLI_NOT_A_PROJECT`.
 */
export function findProjectRoot(
  cwd: string,
  root: string | undefined,
  command: string,
  options: { readonly acceptBuild?: boolean } = {},
): string {
  const dir = resolve(cwd, root ?? '.')
  if (CONFIG_FILES.some((file) => existsSync(join(dir, file)))) return dir
  if (options.acceptBuild === true && hasBuild(dir)) return dir
  throw cliError(
    'MEGA_CLI_NOT_A_PROJECT',
    `mega ${command}: ${dir} has no ${CONFIG_FILES.join(' / ')}: run it in a project folder (or pass --root), or create one with "mega new <dir>".`,
  )
}

const NO_PROCESS = { on: () => undefined, removeListener: () => undefined, exit: () => undefined }

/** A shutdown coordinator that never touches the process (for commands that boot, look and close). */
export function detachedShutdown(): ShutdownCoordinator {
  return createShutdown({ process: NO_PROCESS })
}

/**
 * `boot` of the project's own `@mega/core` (so the app's services and the booting code share one copy
 * of the package, whatever the installer deduplicated), else the one this CLI depends on.
 */
export async function projectBoot(root: string): Promise<BootFn> {
  return (await projectCore(root)).boot
}

/** The slice of `@mega/core` the CLI boots with. */
export type ProjectCore = Pick<typeof cliCore, 'boot' | 'loadConfig'>

/** The project's own `@mega/core` (see {@link projectBoot}), else the one this CLI depends on. */
export async function projectCore(root: string): Promise<ProjectCore> {
  const core = (await importFromRoot(root)('@mega/core')) as Partial<ProjectCore> | undefined
  return typeof core?.boot === 'function' && typeof core.loadConfig === 'function'
    ? (core as ProjectCore)
    : cliCore
}

/**
 * Boots the app at `root` without listening, logging off, its `.ts` files loaded, with its own
 * shutdown coordinator: what `routes` and `generate migration` need.
 */
export async function bootQuietly(root: string, bootFn?: BootFn): Promise<MegaRuntime> {
  return (bootFn ?? (await projectBoot(root)))({
    root,
    listen: false,
    typescript: true,
    logger: createLogger(false),
    shutdown: detachedShutdown(),
  })
}
