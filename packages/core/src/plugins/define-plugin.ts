import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type HealthRegistry, type MegaError, type MegaMetrics } from '@mega/observe'
import type { HookPhase, PhaseHookMap } from '../pipeline/request-pipeline.js'
import type { RequestContext } from '../app/request-context.js'
import type { WsRouteDefinition } from '../router/route-types.js'
import type { AppScope } from '../app/app-scope.js'
import { CORE_ERRORS } from '../errors.js'
import type { ConventionModule } from '../boot/convention-loader.js'

/** What a plugin's `setup` receives. */
export interface PluginApi {
  /** The plugin's own name. */
  readonly name: string
  /** The names of the server's apps (one for `createApp`), e.g. to keep a plugin's shared keys apart. */
  readonly appNames: readonly string[]
  /** The server's apps: their scopes, and the files of their folders that the plugin's conventions name. */
  readonly apps: readonly PluginApp[]
  /** Adds a hook to a request phase (`onRequest`, `authenticate`, `validate`, `onResponse`, `onError`). */
  hook<P extends HookPhase>(phase: P, hook: PhaseHookMap[P]): void
  /** The Fastify instance, to register Fastify plugins (`@fastify/cors`...) before the server starts. */
  readonly fastify: FastifyInstance
  readonly log: FastifyBaseLogger
  /**
   * A connected adapter by alias (the apps of a process share them), e.g. a session store or a
   * cache; `MEGA_ADAPTER_NOT_FOUND` naming the configured aliases when there is none.
   */
  adapter<T = unknown>(alias: string): T
  /**
   * Where the plugin registers health checks (`register(name, check, { kind })`): boot's registry,
   * served on `/health/live` and `/health/ready`; a registry of the server's own without boot.
   */
  readonly health: Pick<HealthRegistry, 'register' | 'unregister'>
  /**
   * The app's metrics (served on `/metrics`) when config `metrics.enabled`; `undefined` otherwise.
   */
  readonly metrics: MegaMetrics | undefined
}

/** One app as a plugin sees it (see {@link PluginApi.apps}). */
export interface PluginApp {
  readonly name: string
  /**
   * The app's scope: services (created, started only after every plugin's setup), adapters, logger,
   * settings; what a plugin's own handlers (schedules, jobs) are given.
   */
  readonly scope: AppScope
  /**
   * The default exports of `apps/<name>/<folder>/*<suffix>.{js,mjs,ts}` in file-name order (tests and
   * `.d.ts` left out; `.ts` only where the runtime loads TypeScript), e.g.
   * `loadModules('schedules', '-schedule')`. None for an app without a folder (`createApp`).
   */
  loadModules(folder: string, suffix: string): Promise<readonly ConventionModule[]>
}

/** What a WebSocket route gets from the request pipeline, for its upgrade request. */
export interface WsRouteHooks {
  /** The upgrade request's context: `ctx.identity` once the hooks ran, `ctx.services`, `ctx.log`... */
  readonly context: (request: FastifyRequest, reply: FastifyReply) => RequestContext
  /** The authenticate phase and the route's `before` hooks; absent when there are none. */
  readonly preValidation?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
}

/**
 * Mounts one WebSocket route (`r.ws(path, channel)`) on the app's Fastify instance (already scoped
 * to the app's prefix), after every plugin's `setup`. `hooks` are the route's, as for an HTTP route:
 * the context getter and a `preValidation` hook running the authenticate phase and the route's
 * `before` hooks on the upgrade request (so a session or a bearer token becomes `ctx.identity`).
 */
export type WsRouteDriver = (
  fastify: FastifyInstance,
  route: WsRouteDefinition,
  hooks: WsRouteHooks,
  app: AppScope,
) => void

/** The route kinds a plugin drives, beyond core's HTTP routes. */
export interface RouteDrivers {
  /** Drives `r.ws()` routes: what `@mega/ws`'s `ws()` plugin gives. */
  readonly ws?: WsRouteDriver
}

/** A Mega plugin: named, ordered after its dependencies, set up before start, torn down in reverse. */
export interface MegaPlugin {
  readonly name: string
  /** Names of plugins that must be set up first. */
  readonly dependsOn?: readonly string[]
  /** Route kinds the plugin drives (one plugin per kind); called after every plugin's setup. */
  readonly routeDrivers?: RouteDrivers
  setup(api: PluginApi): unknown
  teardown?(): unknown
}

function invalid(message: string): MegaError {
  return CORE_ERRORS.create('MEGA_PLUGIN_INVALID', [message])
}

/**
 * Declares a plugin (checks its shape at once).
 *
 * @example
 * export const audit = definePlugin({
 *   name: 'audit',
 *   setup(api) {
 *     api.hook('onResponse', (ctx, info) => ctx.log.info({ status: info.statusCode }, 'audited'))
 *   },
 * })
 */
export function definePlugin(plugin: MegaPlugin): MegaPlugin {
  if (typeof plugin?.name !== 'string' || !/^[a-z0-9@][a-z0-9@/._-]*$/i.test(plugin.name)) {
    throw invalid(
      `A plugin needs a name of letters, digits, "@", "/", ".", "_" or "-" (got ${JSON.stringify(plugin?.name)}).`,
    )
  }
  if (typeof plugin.setup !== 'function')
    throw invalid(`Plugin "${plugin.name}" needs a setup(api) function.`)
  if (plugin.teardown !== undefined && typeof plugin.teardown !== 'function')
    throw invalid(`Plugin "${plugin.name}": teardown must be a function.`)
  if (
    plugin.routeDrivers !== undefined &&
    (typeof plugin.routeDrivers !== 'object' ||
      plugin.routeDrivers === null ||
      Object.entries(plugin.routeDrivers).some(
        ([kind, driver]) => kind !== 'ws' || typeof driver !== 'function',
      ))
  )
    throw invalid(
      `Plugin "${plugin.name}": routeDrivers maps a route kind ("ws") to a function mounting its routes.`,
    )
  if (plugin.dependsOn !== undefined && !Array.isArray(plugin.dependsOn))
    throw invalid(`Plugin "${plugin.name}": dependsOn is a list of plugin names.`)
  const dependsOn: readonly string[] = Object.freeze(Array.from(plugin.dependsOn ?? [], String))
  return Object.freeze({ ...plugin, dependsOn })
}

/**
 * Orders plugins so each comes after its dependencies (declaration order otherwise). A duplicate
 * name, a dependency that is not registered, or a cycle is a `MEGA_PLUGIN_INVALID` naming them.
 */
export function orderPlugins(plugins: readonly MegaPlugin[]): MegaPlugin[] {
  const byName = new Map<string, MegaPlugin>()
  for (const p of plugins) {
    if (byName.has(p.name))
      throw invalid(`Plugin "${p.name}" is registered twice: register each plugin once.`)
    byName.set(p.name, p)
  }
  const ordered: MegaPlugin[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (p: MegaPlugin, path: string[]): void => {
    if (state.get(p.name) === 'done') return
    if (state.get(p.name) === 'visiting')
      throw invalid(`Plugins depend on each other in a circle: ${[...path, p.name].join(' → ')}.`)
    state.set(p.name, 'visiting')
    for (const dep of p.dependsOn ?? []) {
      const target = byName.get(dep)
      if (target === undefined)
        throw invalid(
          `Plugin "${p.name}" depends on "${dep}", which is not registered: add it to plugins.`,
        )
      visit(target, [...path, p.name])
    }
    state.set(p.name, 'done')
    ordered.push(p)
  }
  for (const p of plugins) visit(p, [])
  return ordered
}

/** Sets plugins up in dependency order and tears down, in reverse, those that were set up. */
export class PluginHost {
  readonly #ordered: readonly MegaPlugin[]
  readonly #started: MegaPlugin[] = []

  constructor(plugins: readonly MegaPlugin[]) {
    this.#ordered = orderPlugins(plugins.map(definePlugin))
  }

  /** Plugin names in setup order. */
  get order(): string[] {
    return this.#ordered.map((p) => p.name)
  }

  /** Sets up every plugin; when one fails, tears down those already set up and rethrows, named. */
  async setupAll(api: (plugin: MegaPlugin) => PluginApi): Promise<void> {
    for (const plugin of this.#ordered) {
      try {
        await plugin.setup(api(plugin))
      } catch (err) {
        await this.teardownAll()
        const reason = err instanceof Error ? err.message : String(err)
        throw CORE_ERRORS.create('MEGA_PLUGIN_FAILED', [plugin.name, reason], { cause: err })
      }
      this.#started.push(plugin)
    }
  }

  /** Tears down the set-up plugins in reverse order; every one is tried. Resolves the failures. */
  async teardownAll(): Promise<unknown[]> {
    const failures: unknown[] = []
    for (const plugin of this.#started.splice(0).reverse()) {
      try {
        await plugin.teardown?.()
      } catch (err) {
        failures.push(err)
      }
    }
    return failures
  }
}
