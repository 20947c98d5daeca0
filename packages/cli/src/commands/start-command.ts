import nodeCluster from 'node:cluster'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import {
  createCluster,
  loadConfig,
  type ClusterLogger,
  type MegaCluster,
  type MegaConfig,
  type MegaRuntime,
} from '@mega/core'
import { createLogger } from '@mega/observe'
import type { CliIo } from '../io.js'
import { findProjectRoot, projectBoot, type BootFn } from '../internal/project.js'
import type { ParsedArgs } from '../options.js'

/**
 * Boots the app at `root` and listens, with graceful shutdown on SIGTERM/SIGINT. `NODE_ENV` defaults
 * to `production` (500 messages hidden).
 *
 * @example
 * const runtime = await startApp({ root: process.cwd() })
 */
export async function startApp(
  options: { readonly root: string; readonly env?: NodeJS.ProcessEnv },
  bootFn?: BootFn,
): Promise<MegaRuntime> {
  const env = options.env ?? process.env
  env.NODE_ENV ??= 'production'
  return (bootFn ?? (await projectBoot(options.root)))({
    root: options.root,
    typescript: true,
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
  const cluster = createCluster({
    workers: options.workers,
    restartOnSighup: true,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  })
  if (nodeCluster.isPrimary) writePidFile(options.pidFile)
  await cluster.start(async () => {
    process.on('SIGHUP', () => undefined) // the primary's signal: a terminal hang-up must not kill a worker
    await startApp({ root: options.root }, bootFn)
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

/**
 * `mega start`: runs until a signal shuts it down. With `server.workers` above 1 (or `'auto'`) the
 * app runs in a cluster of that many workers behind one port.
 */
export async function startCommand(parsed: ParsedArgs<'start'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'start')
  process.env.NODE_ENV ??= 'production'
  const config = await loadConfig(root)
  const { workers } = config.server
  if (workers === 1) {
    const runtime = await startApp({ root })
    process.on('SIGHUP', () =>
      runtime.log.warn('SIGHUP ignored: rolling restarts need server.workers above 1'),
    )
    return 0
  }
  const pidFile = resolve(root, parsed.options.pidFile)
  const logger = nodeCluster.isPrimary ? primaryLogger(config) : undefined
  await startCluster({ root, workers, pidFile, ...(logger ? { logger } : {}) })
  return 0
}
