import { join } from 'node:path'
import type { BootOptions, MegaRuntime } from '@mega/core'
import { createLogger } from '@mega/observe'
import type { CliIo } from '../io.js'
import { BUILD_DIR, runsBuild, verifyBuild, type BuildManifest } from '../internal/build-files.js'
import { findProjectRoot, projectBoot, projectCore, type BootFn } from '../internal/project.js'
import type { ParsedArgs } from '../options.js'

/** Options of {@link startApp}. */
export interface StartAppOptions {
  readonly root: string
  readonly env?: NodeJS.ProcessEnv
  /**
   * Run the build in `<root>/dist` (checked against the sources first: `MEGA_CLI_BUILD_STALE` when
   * they changed since) instead of the TypeScript sources. @default false
   */
  readonly build?: boolean
}

/** The logger `boot` is given. */
export type AppLogger = NonNullable<BootOptions['logger']>

/** The first log line: what runs (the build, or the sources through the loader). */
function whatRuns(
  command: string,
  build: { builtAt: string } | undefined,
): [Record<string, unknown>, string] {
  if (build === undefined)
    return [
      { code: 'source' },
      `mega ${command}: running the TypeScript sources through the tsx loader`,
    ]
  return [
    { code: 'build', dir: BUILD_DIR, builtAt: build.builtAt },
    `mega ${command}: running the build in ${BUILD_DIR}/ (built ${build.builtAt}), no TypeScript loader`,
  ]
}

/**
 * The logger of the app at `root` (its config's `logger`, the config read from the build when there
 * is one), which has already said what runs: its first line.
 */
export async function announce(
  root: string,
  command: string,
  manifest: BuildManifest | undefined,
): Promise<AppLogger> {
  const config = await (
    await projectCore(root)
  ).loadConfig(root, manifest === undefined ? {} : { dir: join(root, BUILD_DIR) })
  const { enabled, ...rest } = config.logger
  const logger = createLogger(enabled ? rest : false)
  logger.info(...whatRuns(command, manifest))
  return logger
}

/**
 * Boots the app at `root` and listens, with graceful shutdown on SIGTERM/SIGINT. `NODE_ENV` defaults
 * to `production` (500 messages hidden). With `build`, the compiled copy in `dist/` runs (config and
 * code from there; `.env`, views, locales from the root) and stack traces follow its source maps.
 * The first log line says which runs.
 *
 * @example
 * const runtime = await startApp({ root: process.cwd(), build: true })
 */
export async function startApp(options: StartAppOptions, bootFn?: BootFn): Promise<MegaRuntime> {
  const { root } = options
  const env = options.env ?? process.env
  env.NODE_ENV ??= 'production'
  const manifest = options.build === true ? await verifyBuild(root) : undefined
  const build = manifest === undefined ? {} : { build: BUILD_DIR }
  if (manifest !== undefined) process.setSourceMapsEnabled(true)
  const logger = await announce(root, 'start', manifest)
  return (bootFn ?? (await projectBoot(root)))({
    root,
    ...build,
    logger,
    typescript: manifest === undefined,
    signals: true,
  })
}

/**
 * `mega start`: runs until a signal shuts it down. The build in `dist/` when there is one (and
 * `--source` is not given), else the sources.
 */
export async function startCommand(parsed: ParsedArgs<'start'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'start', { acceptBuild: true })
  await startApp({ root, build: runsBuild(parsed, io.cwd) })
  return 0
}
