import { MegaError } from '@mega/observe'
import { joinPath } from '../router/define-routes.js'
import type { RouteDefinition, RouteTable, WsRouteDefinition } from '../router/route-types.js'
import { createAppScope, type AppScope } from './app-scope.js'

/** Options of one {@link MegaApp}. */
export interface MegaAppOptions {
  /** Unique app name: letters, digits, `-`, `_`. @default 'main' */
  readonly name?: string
  /** URL prefix every route of this app is served under. @default '/' */
  readonly prefix?: string
  /** Route tables from `defineRoutes`. */
  readonly routes?: RouteTable | readonly RouteTable[]
  /** Services by name, reachable as `ctx.services.<name>`. */
  readonly services?: Readonly<Record<string, unknown>>
  /** Connected adapters by alias, reachable as `ctx.db()`, `ctx.cache()`... */
  readonly adapters?: ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>
}

const NAME_RE = /^[a-z][a-z0-9_-]*$/i

/** One application: the unit of routes, services and adapters, mounted under its prefix. */
export class MegaApp {
  readonly name: string
  readonly prefix: string
  readonly routes: readonly (RouteDefinition | WsRouteDefinition)[]
  readonly scope: AppScope

  constructor(options: MegaAppOptions = {}) {
    const name = options.name ?? 'main'
    if (!NAME_RE.test(name)) {
      throw new MegaError(
        'MEGA_APP_INVALID',
        `App name ${JSON.stringify(name)} is invalid: use letters, digits, "-" or "_", starting with a letter.`,
      )
    }
    this.name = name
    this.prefix = joinPath(options.prefix ?? '/')
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
    this.scope = createAppScope(name, adapters, Object.freeze({ ...options.services }))
  }
}
