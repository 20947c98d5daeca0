import { join } from 'node:path'
import { createHealth, type HealthRegistry, type MegaMetrics } from '@mega/observe'
import { createAppScope } from './app-scope.js'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { createFastify, type HttpOptions } from '../http/create-fastify.js'
import { mountRoute } from '../router/compile-route.js'
import { RequestPipeline, type HookPhase, type PhaseHookMap } from '../pipeline/request-pipeline.js'
import {
  PluginHost,
  type MegaPlugin,
  type PluginApp,
  type WsRouteDriver,
} from '../plugins/define-plugin.js'
import { loadConventionModules, runtimeLoadsTypeScript } from '../boot/convention-loader.js'
import { joinPath } from '../router/define-routes.js'
import type { RouteDefinition, WsRouteDefinition } from '../router/route-types.js'
import type { RouteSchema } from '../router/route-schema.js'
import { MegaApp, type MegaAppOptions } from './mega-app.js'
import { CORE_ERRORS } from '../errors.js'

/** A route as the registry lists it (route listings, OpenAPI). */
export interface RouteInfo {
  readonly app: string
  readonly kind: 'http' | 'ws'
  readonly method: string
  /** Full path including the app prefix. */
  readonly path: string
  readonly name: string | undefined
  readonly summary: string | undefined
  readonly schema: RouteSchema
  /** The names of its `before` hooks (its groups' first), `anonymous` for an unnamed function. */
  readonly before?: readonly string[]
  /** A WebSocket route's channel class name (`undefined` for HTTP routes or an unnamed class). */
  readonly channel?: string | undefined
}

function hookNames(hooks: readonly { readonly name: string }[]): string[] {
  return hooks.map((hook) => hook.name || 'anonymous')
}

function channelName(channel: unknown): string | undefined {
  return typeof channel === 'function' && channel.name !== '' ? channel.name : undefined
}

/** Options of {@link MegaServer}. */
export interface MegaServerOptions extends HttpOptions {
  readonly apps: readonly MegaApp[]
  /** Plugins, set up in dependency order at `ready()`, torn down in reverse at `close()`. */
  readonly plugins?: readonly MegaPlugin[]
  /**
   * Whether plugins may load `.ts` files from the apps' folders (`api.apps[i].loadModules`).
   * @default process.features.typescript
   */
  readonly typescript?: boolean
  /** The health registry plugins register checks in (`api.health`). @default a registry of its own */
  readonly health?: HealthRegistry
  /** The metrics plugins record to (`api.metrics`). @default none */
  readonly metrics?: MegaMetrics
}

/** Where {@link MegaServer.listen} listens. */
export interface ListenOptions {
  /** @default 0 (a free port) */
  readonly port?: number
  /** @default '127.0.0.1' */
  readonly host?: string
}

function info(app: MegaApp, route: RouteDefinition | WsRouteDefinition): RouteInfo {
  const path = joinPath(app.prefix, route.path)
  if (route.kind === 'ws')
    return {
      app: app.name,
      kind: 'ws',
      method: 'GET',
      path,
      name: route.name,
      summary: undefined,
      schema: {},
      before: hookNames(route.before),
      channel: channelName(route.channel),
    }
  return {
    app: app.name,
    kind: 'http',
    method: route.method,
    path,
    name: route.name,
    summary: route.summary,
    schema: route.schema,
    before: hookNames(route.before),
  }
}

function checkUnique(apps: readonly MegaApp[]): void {
  const names = new Set<string>()
  const routeNames = new Map<string, string>()
  for (const app of apps) {
    if (names.has(app.name))
      throw CORE_ERRORS.create('MEGA_APP_INVALID', [
        `Two apps are named "${app.name}": give each app its own name.`,
      ])
    names.add(app.name)
    for (const route of app.routes) {
      if (route.name === undefined) continue
      const where = routeNames.get(route.name)
      if (where !== undefined) {
        throw CORE_ERRORS.create('MEGA_ROUTE_DUPLICATE', [route.name, where, route.path])
      }
      routeNames.set(route.name, route.path)
    }
  }
}

/**
 * The plugin driving WebSocket routes, when the apps declare any: none is `MEGA_WS_NOT_INSTALLED`,
 * two are `MEGA_PLUGIN_INVALID`.
 */
function wsDriverOf(
  apps: readonly MegaApp[],
  plugins: readonly MegaPlugin[],
): WsRouteDriver | undefined {
  const drivers = plugins.filter((p) => p.routeDrivers?.ws !== undefined)
  if (drivers.length > 1)
    throw CORE_ERRORS.create('MEGA_PLUGIN_INVALID', [
      `Plugins ${drivers.map((p) => `"${p.name}"`).join(' and ')} both drive WebSocket routes: keep one.`,
    ])
  const first = apps.flatMap((a) =>
    a.routes.filter((r) => r.kind === 'ws').map((r) => info(a, r)),
  )[0]
  if (first !== undefined && drivers.length === 0)
    throw CORE_ERRORS.create('MEGA_WS_NOT_INSTALLED', [first.path])
  return drivers[0]?.routeDrivers?.ws
}

function pluginApp(app: MegaApp, typescript: boolean): PluginApp {
  const dir = app.codeDir
  return Object.freeze({
    name: app.name,
    scope: app.scope,
    loadModules: async (folder: string, suffix: string) =>
      dir === undefined ? [] : loadConventionModules(join(dir, folder), suffix, typescript),
  })
}

/** Several apps in one Fastify instance, each encapsulated under its prefix. */
export class MegaServer {
  readonly fastify: FastifyInstance
  readonly apps: readonly MegaApp[]
  readonly #routes: readonly RouteInfo[]
  readonly #pipeline = new RequestPipeline()
  readonly #plugins: PluginHost
  readonly #wsDriver: WsRouteDriver | undefined
  readonly #pluginApps: readonly PluginApp[]
  readonly #health: HealthRegistry
  readonly #metrics: MegaMetrics | undefined
  #ready: Promise<void> | undefined

  constructor(options: MegaServerOptions) {
    checkUnique(options.apps)
    this.apps = Object.freeze([...options.apps])
    this.#plugins = new PluginHost(options.plugins ?? [])
    this.#wsDriver = wsDriverOf(this.apps, options.plugins ?? [])
    this.fastify = createFastify(options, (error, request, reply) =>
      this.#pipeline.runOnError(error, request, reply),
    )
    this.#routes = Object.freeze(this.apps.flatMap((app) => app.routes.map((r) => info(app, r))))
    const typescript = options.typescript ?? runtimeLoadsTypeScript()
    this.#pluginApps = Object.freeze(this.apps.map((app) => pluginApp(app, typescript)))
    this.#health = options.health ?? createHealth()
    this.#metrics = options.metrics
  }

  #mount(app: MegaApp): void {
    const prefix = app.prefix === '/' ? '' : app.prefix
    void this.fastify.register(
      (instance, _opts, done) => {
        try {
          this.#mountRoutes(instance, app)
        } catch (err) {
          done(err as Error)
          return
        }
        done()
      },
      { prefix },
    )
  }

  #mountRoutes(instance: FastifyInstance, app: MegaApp): void {
    for (const route of app.routes)
      if (route.kind === 'http')
        mountRoute(instance, route, app.scope, (...args) => this.#pipeline.forRoute(...args))
      else
        this.#wsDriver?.(
          instance,
          route,
          this.#pipeline.forRoute(app.scope, route.before, []),
          app.scope,
        )
  }

  /** Every declared route with its full path and schemas. */
  routes(): readonly RouteInfo[] {
    return this.#routes
  }

  /** Adds a hook to a request phase (what plugins do through their `api.hook`). */
  hook<P extends HookPhase>(phase: P, hook: PhaseHookMap[P]): this {
    this.#pipeline.add(phase, hook)
    return this
  }

  /** Plugin names in setup order. */
  get plugins(): string[] {
    return this.#plugins.order
  }

  /** Sets the plugins up (in dependency order) and compiles every route; once. */
  ready(): Promise<void> {
    this.#ready ??= (async () => {
      await this.#plugins.setupAll((plugin) => ({
        name: plugin.name,
        appNames: this.apps.map((app) => app.name),
        apps: this.#pluginApps,
        hook: (phase, hook) => this.#pipeline.add(phase, hook),
        fastify: this.fastify,
        log: this.fastify.log.child({ plugin: plugin.name }),
        adapter: <T>(alias: string) =>
          (this.apps[0]?.scope ?? createAppScope('server')).adapter<T>(alias),
        health: this.#health,
        metrics: this.#metrics,
      }))
      // Every hook is known now: install the phases in use, then mount the routes with theirs.
      this.#pipeline.install(this.fastify)
      for (const app of this.apps) this.#mount(app)
      await this.fastify.ready()
    })()
    return this.#ready
  }

  /** Sends a request without a socket (Fastify's `inject`), after `ready()`. */
  async inject(options: InjectOptions | string): Promise<LightMyRequestResponse> {
    await this.ready()
    return this.fastify.inject(options)
  }

  /** Listens on a real socket; resolves with the base URL (e.g. `http://127.0.0.1:41234`). */
  async listen(options: ListenOptions = {}): Promise<string> {
    await this.ready()
    return this.fastify.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' })
  }

  /** Stops accepting connections, closes the server, then tears the plugins down in reverse. */
  async close(): Promise<void> {
    await this.fastify.close()
    await this.#plugins.teardownAll()
  }
}

/** Options of {@link createApp}: one app plus its server's HTTP options. */
export interface CreateAppOptions extends MegaAppOptions, HttpOptions {
  /** Plugins, as for {@link MegaServer}. */
  readonly plugins?: readonly MegaPlugin[]
}

/**
 * Code-first Mega without file conventions: one app on its own server.
 *
 * @example
 * const server = createApp({ routes: defineRoutes((r) => r.get('/', () => ({ hello: 'world' }))) })
 * const url = await server.listen({ port: 3000 })
 */
export function createApp(options: CreateAppOptions = {}): MegaServer {
  return new MegaServer({ ...options, apps: [new MegaApp(options)] })
}
