import cluster from 'node:cluster'
import { isAbsolute, join, relative, resolve } from 'node:path'
import type { Logger } from 'pino'
import {
  MegaError,
  MegaShutdown,
  createHealth,
  createLogger,
  createMetrics,
  initTracing,
  readTracingEnv,
  shutdownTracing,
  type HealthRegistry,
  type MegaMetrics,
  type ShutdownCoordinator,
} from '@mega/observe'
import { AdapterManager } from '../adapters/adapter-manager.js'
import {
  DriverRegistry,
  importFromRoot,
  type DriverDefinition,
  type DriverImporter,
} from '../adapters/driver-registry.js'
import { memoryDriver } from '../adapters/memory/memory-driver.js'
import { MegaApp } from '../app/mega-app.js'
import { MegaServer } from '../app/mega-server.js'
import type { MegaConfig, MegaConfigInput } from '../config/config-schema.js'
import { defineConfig } from '../config/define-config.js'
import { loadConfig } from '../config/load-config.js'
import type { RouteTable } from '../router/route-types.js'
import type { ServiceEntry } from '../services/mega-service.js'
import type { MegaPlugin } from '../plugins/define-plugin.js'
import { loadRouteFiles, loadServiceFiles, runtimeLoadsTypeScript } from './convention-loader.js'
import { RequestDrain } from './drain.js'
import { PrimaryLink, isMegaClusterWorker, onClusterShutdown } from '../cluster/cluster-worker.js'
import { closeClusterWorker } from './cluster-worker-close.js'
import { clusterViews } from './cluster-views.js'
import { instrumentHttp, mountEndpoints } from './endpoints.js'
import { CORE_ERRORS } from '../errors.js'

/** The boot steps, in order, as named in a `MEGA_BOOT_FAILED` error. */
export const BOOT_STEPS = [
  'config',
  'observability',
  'adapters',
  'apps',
  'services',
  'listen',
] as const

/** One of {@link BOOT_STEPS}. */
export type BootStep = (typeof BOOT_STEPS)[number]

/** How long `close()` waits for in-flight requests before it stops listening anyway. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000

/** Routes and services given in code for one app, added to what its folder provides. */
export interface AppDefinition {
  readonly routes?: RouteTable | readonly RouteTable[]
  readonly services?: Readonly<Record<string, ServiceEntry>>
}

/** Options of {@link boot}. */
export interface BootOptions {
  /** The project root (config file, `.env`, `apps/<name>/`). @default process.cwd() */
  readonly root?: string
  /** The configuration; when given, no config file is read. */
  readonly config?: MegaConfigInput
  /** Routes and services in code, by app name. */
  readonly apps?: Readonly<Record<string, AppDefinition>>
  /**
   * Plugins (after `plugins` of the config), set up in dependency order before the server starts,
   * torn down in reverse at close.
   */
  readonly plugins?: readonly MegaPlugin[]
  /** Extra drivers besides the built-in `memory` one. */
  readonly drivers?: readonly DriverDefinition[]
  /** How driver packages (`@mega/db`...) are imported. @default from the root's node_modules */
  readonly importer?: DriverImporter
  /** The shutdown coordinator `close()` is registered with. @default MegaShutdown */
  readonly shutdown?: ShutdownCoordinator
  /** Install SIGTERM/SIGINT handlers (what `mega start` does). @default false */
  readonly signals?: boolean
  /** Listen on `server.host`/`server.port`. @default true */
  readonly listen?: boolean
  /**
   * Load `.ts` files from `apps/<name>/` (routes, services). Node 20 cannot by itself; set this when a
   * loader (tsx) or a test runner (vitest) runs the app. @default process.features.typescript
   */
  readonly typescript?: boolean
  /**
   * A compiled copy of the project (what `mega build` writes, absolute or relative to `root`): the
   * config file and each app's code (routes, services, and the folders plugins load: channels, jobs,
   * schedules) are loaded from the same paths under it, `.js` only. `.env`, views, locales and static
   * files are still read from `root`. @default none (the project's own files)
   */
  readonly build?: string
  /**
   * Run as a cluster worker: close on the cluster's shutdown message, and while closing serve requests
   * on open connections with `connection: close` rather than 503. @default cluster.isWorker
   */
  readonly clusterWorker?: boolean
  /**
   * How long `close()` lets in-flight requests finish; requests still running then are cut (their
   * connections closed) and logged, so a stalled request cannot hold the stop. @default 10000
   */
  readonly drainTimeoutMs?: number
  /** A ready pino logger instead of one built from `config.logger`. */
  readonly logger?: Logger
}

/** A booted Mega process: its parts, and `close()` for an orderly stop. */
export interface MegaRuntime {
  readonly config: MegaConfig
  readonly server: MegaServer
  readonly adapters: AdapterManager
  readonly health: HealthRegistry
  readonly metrics: MegaMetrics | undefined
  readonly log: Logger
  /** The base URL when listening. */
  readonly url: string | undefined
  /**
   * Stops accepting (new requests get 503 while in-flight ones finish), stops services, disconnects
   * adapters, flushes metrics and tracing. Idempotent.
   */
  close(): Promise<void>
}

type Cleanup = () => Promise<unknown>

class Boot {
  readonly cleanups: Cleanup[] = []
  step: BootStep = 'config'

  async run<T>(step: BootStep, fn: () => Promise<T> | T): Promise<T> {
    this.step = step
    return fn()
  }

  async unwind(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
  }
}

async function resolveConfig(options: BootOptions, root: string): Promise<MegaConfig> {
  if (options.config !== undefined) return defineConfig(options.config)
  return loadConfig(root, options.build === undefined ? {} : { dir: resolve(root, options.build) })
}

/** The logger; in a cluster worker every line names the worker (`worker`: its cluster id). */
function buildLogger(config: MegaConfig, given: Logger | undefined, inCluster: boolean): Logger {
  const { enabled, ...rest } = config.logger
  const log = given ?? createLogger(enabled ? rest : false)
  return inCluster ? log.child({ worker: cluster.worker?.id ?? process.pid }) : log
}

/** Where `mega build` put the compiled copy of `dir` (a folder under `root`). */
function buildPath(root: string, build: string, dir: string): string {
  const inRoot = relative(root, dir)
  if (inRoot.startsWith('..') || isAbsolute(inRoot))
    throw CORE_ERRORS.create('MEGA_APP_INVALID', [
      `The app folder ${dir} is outside the project root ${root}, so a build of the project has no copy of it: keep app folders under the root.`,
    ])
  return resolve(root, build, inRoot)
}

async function buildApps(
  config: MegaConfig,
  root: string,
  options: BootOptions,
  adapters: AdapterManager,
  log: Logger,
): Promise<MegaApp[]> {
  const apps: MegaApp[] = []
  for (const app of config.apps) {
    const dir = resolve(root, app.dir ?? join('apps', app.name))
    const code = options.apps?.[app.name] ?? {}
    const codeRoutes =
      code.routes === undefined ? [] : 'routes' in code.routes ? [code.routes] : code.routes
    const codeDir = options.build === undefined ? dir : buildPath(root, options.build, dir)
    const ts = options.build === undefined && (options.typescript ?? runtimeLoadsTypeScript())
    const routes = [...(await loadRouteFiles(codeDir, ts)), ...codeRoutes]
    const services = { ...(await loadServiceFiles(codeDir, ts)), ...code.services }
    apps.push(
      new MegaApp({
        name: app.name,
        prefix: app.prefix,
        dir,
        codeDir,
        routes,
        services,
        adapters: adapters.adapters,
        log,
        settings: config.settings,
      }),
    )
  }
  return apps
}

/**
 * Starts tracing when the config turns it on, or leaves `enabled` out and the `OTEL_*` variables
 * ask for it. Fields the config leaves out come from those variables; the service name from
 * `tracing.serviceName`, then `OTEL_SERVICE_NAME`, then the config's `name`.
 */
async function startTracing(config: MegaConfig, log: Logger): Promise<boolean> {
  const fromEnv = readTracingEnv(process.env)
  const { enabled, serviceName, ...tracing } = config.tracing
  if (!(enabled ?? fromEnv.enabled)) return false
  await initTracing({
    ...tracing,
    serviceName: serviceName ?? fromEnv.serviceName ?? config.name,
    onWarning: ({ code, variable, message }) => log.warn({ code, variable }, message),
  })
  return true
}

/**
 * Boots a Mega process: config → logger, metrics, tracing → adapters (in parallel) → apps (routes
 * and services, by convention from `apps/<name>/` and from `options.apps`) → health and metrics
 * endpoints → services started → listen. A failure at any step closes what was already opened and
 * throws `MEGA_BOOT_FAILED` naming the step.
 *
 * @example
 * const runtime = await boot({ config: { server: { port: 3000 } }, apps: { main: { routes } } })
 */
export async function boot(options: BootOptions = {}): Promise<MegaRuntime> {
  const root = resolve(options.root ?? process.cwd())
  const b = new Boot()
  try {
    return await bootSteps(options, root, b)
  } catch (err) {
    await b.unwind()
    const cause = err instanceof Error ? err.message : String(err)
    throw CORE_ERRORS.create('MEGA_BOOT_FAILED', [b.step, cause], {
      cause: err,
      details: { step: b.step },
      ...(MegaError.is(err) && err.issues !== undefined ? { issues: err.issues } : {}),
    })
  }
}

async function bootSteps(options: BootOptions, root: string, b: Boot): Promise<MegaRuntime> {
  const config = await b.run('config', () => resolveConfig(options, root))
  const shutdown = options.shutdown ?? MegaShutdown
  const inCluster = options.clusterWorker ?? cluster.isWorker
  const drain = new RequestDrain(!inCluster)
  const link = inCluster && isMegaClusterWorker() ? new PrimaryLink() : undefined
  const { log, metrics, traced } = await b.run('observability', async () => {
    const logger = buildLogger(config, options.logger, inCluster)
    const m = config.metrics.enabled
      ? createMetrics({ serviceName: config.metrics.serviceName ?? config.name })
      : undefined
    if (m !== undefined) b.cleanups.push(() => m.shutdown())
    const traced = await startTracing(config, logger)
    if (traced) b.cleanups.push(() => shutdownTracing())
    return { log: logger, metrics: m, traced }
  })
  const health = createHealth({ isShuttingDown: () => drain.closing || shutdown.isShuttingDown() })
  const adapters = await b.run('adapters', async () => {
    const registry = new DriverRegistry(
      [memoryDriver, ...(options.drivers ?? [])],
      options.importer ?? importFromRoot(root),
    )
    const manager = new AdapterManager({
      registry,
      app: config.name,
      root,
      health,
      ...(metrics === undefined ? {} : { metrics }),
    })
    await manager.connectAll(config.adapters)
    b.cleanups.push(() => manager.disconnectAll())
    return manager
  })
  const server = await b.run('apps', async () => {
    const apps = await buildApps(config, root, options, adapters, log)
    const s = new MegaServer({
      apps,
      logger: log,
      plugins: [...config.plugins, ...(options.plugins ?? [])],
      bodyLimit: config.server.bodyLimit,
      trustProxy: config.server.trustProxy,
      maxJsonDepth: config.server.maxJsonDepth,
      closeIdleConnections: !inCluster,
      tracing: traced,
      typescript: options.build === undefined && (options.typescript ?? runtimeLoadsTypeScript()),
      health,
      ...(metrics === undefined ? {} : { metrics }),
      ...(config.production === undefined ? {} : { production: config.production }),
    })
    drain.install(s.fastify)
    if (metrics !== undefined) instrumentHttp(s.fastify, metrics)
    const views = link === undefined ? { health, metrics } : clusterViews(link, health, metrics)
    mountEndpoints(
      s.fastify,
      { ...config.health, ...(config.metrics.enabled ? { metricsPath: config.metrics.path } : {}) },
      views.health,
      views.metrics,
      {
        production: config.production ?? process.env.NODE_ENV === 'production',
        health: config.health,
        metrics: config.metrics,
      },
    )
    await s.ready()
    return s
  })
  await b.run('services', async () => {
    for (const app of server.apps) {
      await app.start()
      b.cleanups.push(() => app.stop())
    }
  })
  // Registered last so it runs first on close: refuse new requests, finish in-flight, stop listening;
  // then services and adapters.
  b.cleanups.push(async () => {
    const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS
    if (inCluster) {
      await closeClusterWorker(server, drain, { drainTimeoutMs, log, ...(link ? { link } : {}) })
      return link?.close()
    }
    const stalled = await drain.close(drainTimeoutMs)
    if (stalled.length > 0) {
      // Cut at the deadline: an open socket would hold server.close() until the shutdown grace
      // period ends the process with exit 1.
      log.warn(
        { drainTimeoutMs, requests: stalled.map((r) => `${r.method} ${r.url}`) },
        `cut ${stalled.length} request(s) still running after drainTimeoutMs`,
      )
      for (const request of stalled) request.raw.socket?.destroy()
    }
    await server.close()
  })
  const url = await b.run('listen', () =>
    options.listen === false
      ? undefined
      : server.listen({ port: config.server.port, host: config.server.host }),
  )
  const cleanups = b.cleanups.splice(0)
  let closed: Promise<void> | undefined
  const close = (): Promise<void> => {
    closed ??= (async () => {
      shutdown.unregister(`mega:${config.name}`)
      for (const cleanup of cleanups.reverse())
        await cleanup().catch((err: unknown) => log.error({ err }, 'close step failed'))
    })()
    return closed
  }
  shutdown.register(`mega:${config.name}`, close)
  // The cluster's shutdown message is a worker's SIGTERM: every shutdown hook, this close among them,
  // then exit 0 (the primary forks the replacement).
  if (inCluster)
    onClusterShutdown(process, () => shutdown.now({ signal: 'cluster-shutdown', exitCode: 0 }))
  if (options.signals === true) shutdown.setupSignals()
  log.info({ url, apps: config.apps.map((a) => a.name) }, 'mega started')
  return { config, server, adapters, health, metrics, log, url, close }
}
