import type { Logger } from 'pino'
import { joinPath } from '../router/define-routes.js'
import type { RouteDefinition, RouteTable, WsRouteDefinition } from '../router/route-types.js'
import { createServices, type MegaService, type ServiceEntry } from '../services/mega-service.js'
import { createAppScope, type AppScope } from './app-scope.js'
import { CORE_ERRORS } from '../errors.js'

/** Options of one {@link MegaApp}. */
export interface MegaAppOptions {
  /** Unique app name: letters, digits, `-`, `_`. @default 'main' */
  readonly name?: string
  /** URL prefix every route of this app is served under. @default '/' */
  readonly prefix?: string
  /** Route tables from `defineRoutes`. */
  readonly routes?: RouteTable | readonly RouteTable[]
  /**
   * Services by name, reachable as `ctx.services.<name>`: `MegaService` subclasses (created once with
   * the app scope, started and stopped with the server) or ready objects.
   */
  readonly services?: Readonly<Record<string, ServiceEntry>>
  /** Connected adapters by alias, reachable as `ctx.db()`, `ctx.cache()`... */
  readonly adapters?: ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>
  /** The logger services reach as `this.log` (bound to `{ app: name }`). @default silent */
  readonly log?: Logger
  /** The app's settings, reachable as `this.settings` in services. @default {} */
  readonly settings?: Readonly<Record<string, unknown>>
  /**
   * The app's folder (`apps/<name>/`), where plugins find their conventions (`schedules/`...);
   * `boot` sets it. @default none (a code-only app: plugins find no files)
   */
  readonly dir?: string
  /**
   * Where the app's code was loaded from, when not `dir`: its compiled copy in a build
   * (`dist/apps/<name>/`). Plugins load their conventions (`jobs/`, `schedules/`...) from here.
   * @default dir
   */
  readonly codeDir?: string
}

const NAME_RE = /^[a-z][a-z0-9_-]*$/i

/** One application: the unit of routes, services and adapters, mounted under its prefix. */
export class MegaApp {
  readonly name: string
  readonly prefix: string
  readonly routes: readonly (RouteDefinition | WsRouteDefinition)[]
  readonly scope: AppScope
  /** The app's folder, when it was loaded from one (see {@link MegaAppOptions.dir}). */
  readonly dir: string | undefined
  /** Where the app's code was loaded from (see {@link MegaAppOptions.codeDir}). */
  readonly codeDir: string | undefined
  readonly #services: readonly MegaService[]

  constructor(options: MegaAppOptions = {}) {
    const name = options.name ?? 'main'
    if (!NAME_RE.test(name)) {
      throw CORE_ERRORS.create('MEGA_APP_INVALID', [
        `App name ${JSON.stringify(name)} is invalid: use letters, digits, "-" or "_", starting with a letter.`,
      ])
    }
    this.name = name
    this.prefix = joinPath(options.prefix ?? '/')
    this.dir = options.dir
    this.codeDir = options.codeDir ?? options.dir
    const tables =
      options.routes === undefined
        ? []
        : 'routes' in options.routes
          ? [options.routes]
          : options.routes
    this.routes = Object.freeze(tables.flatMap((t: RouteTable) => t.routes))
    const adapters =
      options.adapters instanceof Map
        ? options.adapters
        : new Map(Object.entries(options.adapters ?? {}))
    const services: Record<string, unknown> = {}
    this.scope = createAppScope(name, adapters, services, {
      ...(options.log === undefined ? {} : { log: options.log }),
      ...(options.settings === undefined ? {} : { settings: options.settings }),
    })
    this.#services = createServices(this.scope, options.services ?? {}, services)
    Object.freeze(services)
  }

  /** Starts the app's `MegaService`s in declaration order. */
  async start(): Promise<void> {
    for (const service of this.#services) await service.start()
  }

  /** Stops the app's `MegaService`s in reverse order; every one is tried. Resolves the failures. */
  async stop(): Promise<unknown[]> {
    const failures: unknown[] = []
    for (const service of [...this.#services].reverse())
      await service.stop().catch((err: unknown) => failures.push(err))
    return failures
  }
}
