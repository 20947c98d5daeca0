import nodeCluster from 'node:cluster'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import {
  createCluster,
  type BootOptions,
  type ClusterLogger,
  type MegaCluster,
  type MegaConfig,
  type MegaRuntime,
} from '@mega/core'
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
  const manifest = options.build === true ? await verifyBuild(options.root) : undefined
  return bootStarted(options, manifest, bootFn)
}

/** {@link startApp} once the build is checked: `manifest` is the verified build, or none (sources). */
async function bootStarted(
  options: Pick<StartAppOptions, 'root' | 'env'>,
  manifest: BuildManifest | undefined,
  bootFn?: BootFn,
): Promise<MegaRuntime> {
  const { root } = options
  const env = options.env ?? process.env
  env.NODE_ENV ??= 'production'
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

/** Options of {@link startCluster}. */
export interface StartClusterOptions {
  readonly root: string
  /** `server.workers` of the config: how many workers, `'auto'` = available cores. */
  readonly workers: number | 'auto'
  /** Where the primary writes its pid (for `mega restart`); removed when it exits. */
  readonly pidFile: string
  /** Where the primary logs. @default console */
  readonly logger?: ClusterLogger
  /** Each worker runs the build in `dist/` (see {@link StartAppOptions.build}). @default false */
  readonly build?: boolean
}

/**
 * Runs the app under `MegaCluster`: on the primary, writes the pid file and forks the workers (SIGHUP
 * = rolling restart; SIGTERM/SIGINT = graceful shutdown of all); in a worker, boots the app.
 *
 * @example
 * await startCluster({ root: process.cwd(), workers: 'auto', pidFile: '.mega/server.pid' })
 */
export async function startCluster(
  options: StartClusterOptions,
  bootFn?: BootFn,
): Promise<MegaCluster> {
  return clusterStarted(options, () =>
    startApp({ root: options.root, build: options.build === true }, bootFn),
  )
}

/** {@link startCluster}, each worker running `start` (which boots the app). */
async function clusterStarted(
  options: Omit<StartClusterOptions, 'build'>,
  start: () => Promise<MegaRuntime>,
): Promise<MegaCluster> {
  const cluster = createCluster({
    workers: options.workers,
    restartOnSighup: true,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  })
  if (nodeCluster.isPrimary) writePidFile(options.pidFile)
  await cluster.start(async () => {
    process.on('SIGHUP', () => undefined) // the primary's signal: a terminal hang-up must not kill a worker
    await start()
  })
  return cluster
}

function writePidFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${process.pid}\n`)
  process.on('exit', () => {
    const own = readPid(path) === process.pid
    if (own) rmSync(path, { force: true })
  })
}

/** The pid in a pid file, or undefined when it is missing or holds no pid. */
export function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function primaryLogger(config: MegaConfig): ClusterLogger {
  const { enabled, ...rest } = config.logger
  const log = createLogger(enabled ? rest : false).child({ worker: 'primary' })
  return { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) }
}

/** Seams of {@link startCommand}, with real defaults. */
export interface StartCommandDeps {
  /** Boots the app. @default the project's own `boot` */
  readonly boot?: BootFn
  /** Checks the build against the sources. @default verifyBuild */
  readonly verify?: (root: string) => Promise<BuildManifest>
}

/**
 * `mega start`: runs until a signal shuts it down. The build in `dist/` when there is one (and
 * `--source` is not given), else the sources. With `server.workers` above 1 (or `'auto'`) the app
 * runs in a cluster of that many workers behind one port. The build is checked against the sources
 * once per process (the primary before it forks; each worker, which runs this command again, before
 * it boots), and the verified manifest is what boots.
 */
export async function startCommand(
  parsed: ParsedArgs<'start'>,
  io: CliIo,
  deps: StartCommandDeps = {},
): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'start', { acceptBuild: true })
  const build = runsBuild(parsed, io.cwd)
  process.env.NODE_ENV ??= 'production'
  // A stale build is refused before its config is read.
  const manifest = build ? await (deps.verify ?? verifyBuild)(root) : undefined
  const config = await (
    await projectCore(root)
  ).loadConfig(root, build ? { dir: join(root, BUILD_DIR) } : {})
  const start = () => bootStarted({ root }, manifest, deps.boot)
  const { workers } = config.server
  if (workers === 1) {
    const runtime = await start()
    process.on('SIGHUP', () =>
      runtime.log.warn('SIGHUP ignored: rolling restarts need server.workers above 1'),
    )
    return 0
  }
  const pidFile = resolve(root, parsed.options.pidFile)
  const logger = nodeCluster.isPrimary ? primaryLogger(config) : undefined
  await clusterStarted({ root, workers, pidFile, ...(logger ? { logger } : {}) }, start)
  return 0
}
