import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import { MegaError, tracer, type MegaTracer } from '@mega/observe'
import type { MegaSession } from '../sessions/session.js'
import type { RouteInput, RouteSchema } from '../router/route-types.js'
import type { AppScope } from './app-scope.js'

/**
 * The one typed context of a request. Input is validated and typed from the route's schemas;
 * everything else (adapters, services) is reached lazily, so an unused feature costs nothing.
 */
export interface RequestContext<S extends RouteSchema = RouteSchema> extends RouteInput<S> {
  /** The request id, also sent back in the `x-request-id` header. */
  readonly requestId: string
  /** A logger bound to this request (its lines carry the request id). */
  readonly log: FastifyBaseLogger
  /** The identity returned by an `authenticate` or `before` hook, if any. */
  auth: unknown
  /**
   * The request's session, with the `sessions()` plugin installed; without it, reading it is
   * `MEGA_SESSION_NOT_ENABLED` saying how to turn sessions on.
   */
  session: MegaSession
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
  /** A database adapter by alias (default `db`). */
  db<T = unknown>(alias?: string): T
  /** A cache adapter by alias (default `cache`). */
  cache<T = unknown>(alias?: string): T
  /** A bus adapter by alias (default `bus`). */
  bus<T = unknown>(alias?: string): T
  /** A lock adapter by alias (default `lock`). */
  lock<T = unknown>(alias?: string): T
}

/** The implementation: getters over the Fastify request, so nothing is copied per request. */
export class HttpContext<S extends RouteSchema = RouteSchema> implements RequestContext<S> {
  auth: unknown = undefined
  #session: MegaSession | undefined = undefined
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  readonly app: AppScope

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
  get session(): MegaSession {
    if (this.#session !== undefined) return this.#session
    throw new MegaError(
      'MEGA_SESSION_NOT_ENABLED',
      'ctx.session needs the sessions plugin: add sessions({ secret }) to plugins in mega.config.ts, with a session adapter (e.g. adapters: { session: { driver: "memory", kind: "session" } }).',
      { statusCode: 500 },
    )
  }
  set session(session: MegaSession) {
    this.#session = session
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
  db<T = unknown>(alias = 'db'): T {
    return this.app.adapter<T>(alias)
  }
  cache<T = unknown>(alias = 'cache'): T {
    return this.app.adapter<T>(alias)
  }
  bus<T = unknown>(alias = 'bus'): T {
    return this.app.adapter<T>(alias)
  }
  lock<T = unknown>(alias = 'lock'): T {
    return this.app.adapter<T>(alias)
  }
}
