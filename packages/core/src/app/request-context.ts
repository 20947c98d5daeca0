import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import { tracer, type MegaTracer } from '@mega/observe'
import type { RouteInput, RouteSchema } from '../router/route-schema.js'
import { adapterAccessor, type AdapterAccessor, type AppScope } from './app-scope.js'

/**
 * What packages and plugins add to `ctx`, by name and type. Empty here: the module that owns a
 * feature augments it (`declare module '@mega/core' { interface MegaContextFeatures { presence:
 * Presence } }`) and calls `defineContextFeature('presence', ...)`; `ctx.presence` is then typed on
 * every {@link RequestContext}. Core's own `session`, `i18n`, `locale`, `t`, `render`, `file` and
 * `files` are declared this way by their modules.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface MegaContextFeatures {}

/**
 * Members of the context that no feature may take: the instance fields (the prototype's members are
 * checked directly).
 */
export const CONTEXT_FIELDS = ['identity', 'request', 'reply', 'app'] as const

/**
 * The one typed context of a request. Input is validated and typed from the route's schemas;
 * everything else (adapters, services) is reached lazily, so an unused feature costs nothing.
 */
export interface RequestContext<S extends RouteSchema = RouteSchema>
  extends RouteInput<S>, Readonly<MegaContextFeatures> {
  /** The request id, also sent back in the `x-request-id` header. */
  readonly requestId: string
  /** A logger bound to this request (its lines carry the request id). */
  readonly log: FastifyBaseLogger
  /**
   * The identity returned by an `authenticate` or `before` hook, if any (the `auth()` plugin's guards
   * return the signed-in user; read it typed as `ctx.auth.user`).
   */
  identity: unknown
  /** Creates spans (`ctx.tracer.span('name', fn)`); a no-op until tracing is on. */
  readonly tracer: MegaTracer
  /** The app this route belongs to: its name, services and adapters. */
  readonly app: AppScope
  /** The app's services by name. */
  readonly services: AppScope['services']
  /** The underlying Fastify request and reply, for what Mega does not wrap. */
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  /** Sets the success status (e.g. 201) and returns the context. */
  status(code: number): this
  /** A database adapter by alias (default `db`), typed by `MegaAdapters` (or `ctx.db<T>()`). */
  readonly db: AdapterAccessor<'db'>
  /** A cache adapter by alias (default `cache`), typed by `MegaAdapters` (or `ctx.cache<T>()`). */
  readonly cache: AdapterAccessor<'cache'>
  /** A bus adapter by alias (default `bus`), typed by `MegaAdapters` (or `ctx.bus<T>()`). */
  readonly bus: AdapterAccessor<'bus'>
  /** A lock adapter by alias (default `lock`), typed by `MegaAdapters` (or `ctx.lock<T>()`). */
  readonly lock: AdapterAccessor<'lock'>
}

/**
 * The implementation: getters over the Fastify request, so nothing is copied per request. The
 * features' getters are added to its prototype by `defineContextFeature` (hence the merged
 * interface below).
 */
/* eslint-disable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars --
   the features' members, merged into the class; the type parameter must match the class's */
export interface HttpContext<
  S extends RouteSchema = RouteSchema,
> extends Readonly<MegaContextFeatures> {}
/* eslint-enable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the getters are real
export class HttpContext<S extends RouteSchema = RouteSchema> implements RequestContext<S> {
  identity: unknown = undefined
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  readonly app: AppScope
  // On the prototype (below): one shared method per adapter kind, nothing per request.
  declare readonly db: AdapterAccessor<'db'>
  declare readonly cache: AdapterAccessor<'cache'>
  declare readonly bus: AdapterAccessor<'bus'>
  declare readonly lock: AdapterAccessor<'lock'>

  constructor(request: FastifyRequest, reply: FastifyReply, app: AppScope) {
    this.request = request
    this.reply = reply
    this.app = app
  }

  get params(): RouteInput<S>['params'] {
    return this.request.params as RouteInput<S>['params']
  }
  get query(): RouteInput<S>['query'] {
    return this.request.query as RouteInput<S>['query']
  }
  get body(): RouteInput<S>['body'] {
    return this.request.body as RouteInput<S>['body']
  }
  get headers(): RouteInput<S>['headers'] {
    return this.request.headers as RouteInput<S>['headers']
  }
  get requestId(): string {
    return this.request.id
  }
  get log(): FastifyBaseLogger {
    return this.request.log
  }
  get services(): AppScope['services'] {
    return this.app.services
  }
  get tracer(): MegaTracer {
    return tracer
  }
  status(code: number): this {
    void this.reply.code(code)
    return this
  }
}

for (const kind of ['db', 'cache', 'bus', 'lock'] as const)
  Object.defineProperty(HttpContext.prototype, kind, { value: adapterAccessor(kind) })
