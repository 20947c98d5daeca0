import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import { MegaError, tracer, type MegaTracer } from '@mega/observe'
import type { MegaSession } from '../sessions/session.js'
import type { RequestI18n, Translate } from '../i18n/translator.js'
import { rendererOf } from '../views/views-plugin.js'
import { fileOf, filesOf, type FileCheck } from '../files/request-uploads.js'
import type { UploadedFile } from '../files/uploaded-file.js'
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
  /**
   * The request's translations (`locale`, `t`, `number`, `date`), with the `i18n()` plugin; without
   * it, reading it (or `locale`, `t`) is `MEGA_I18N_NOT_ENABLED` saying how to turn i18n on.
   */
  i18n: RequestI18n
  /** The request's locale (`?lang=`, cookie, `Accept-Language`, else the default): `ctx.i18n.locale`. */
  readonly locale: string
  /** Translates a key into the request's locale (`ctx.t('greeting', { name })`): `ctx.i18n.t`. */
  readonly t: Translate
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
  /**
   * Renders a view (the `views()` plugin) and answers it as `text/html`; return its result from the
   * handler: `return ctx.render('posts/index', { posts })`.
   */
  render(name: string, data?: object): Promise<FastifyReply>
  /**
   * The first file uploaded in `field` (the `uploads()` plugin), checked against `maxBytes` and
   * `types`, or `undefined` when the form has none; without the plugin, `MEGA_UPLOADS_NOT_ENABLED`.
   */
  file(field: string, check?: FileCheck): Promise<UploadedFile | undefined>
  /** Every uploaded file (of `field`), each checked as by {@link RequestContext.file}. */
  files(field?: string, check?: FileCheck): Promise<UploadedFile[]>
}

/** What a plugin put on the context, or the 500 that says which plugin to install. */
function installed<T>(value: T | undefined, code: string, message: string): T {
  if (value !== undefined) return value
  throw new MegaError(code, message, { statusCode: 500 })
}

/** The implementation: getters over the Fastify request, so nothing is copied per request. */
export class HttpContext<S extends RouteSchema = RouteSchema> implements RequestContext<S> {
  auth: unknown = undefined
  #session: MegaSession | undefined = undefined
  #i18n: RequestI18n | undefined = undefined
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
    return installed(
      this.#session,
      'MEGA_SESSION_NOT_ENABLED',
      'ctx.session needs the sessions plugin: add sessions({ secret }) to plugins in mega.config.ts, with a session adapter (e.g. adapters: { session: { driver: "memory", kind: "session" } }).',
    )
  }
  set session(session: MegaSession) {
    this.#session = session
  }
  get i18n(): RequestI18n {
    return installed(
      this.#i18n,
      'MEGA_I18N_NOT_ENABLED',
      'ctx.t and ctx.locale need the i18n plugin: add i18n({ defaultLocale: "en", dir: "locales" }) to plugins in mega.config.ts, with a locales/en.json catalogue.',
    )
  }
  set i18n(i18n: RequestI18n) {
    this.#i18n = i18n
  }
  get locale(): string {
    return this.i18n.locale
  }
  get t(): Translate {
    return this.i18n.t
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
  async render(name: string, data: object = {}): Promise<FastifyReply> {
    const renderer = installed(
      rendererOf(this.reply),
      'MEGA_VIEWS_NOT_ENABLED',
      `ctx.render('${name}') needs the views plugin: add views({ dir: 'apps/main/views' }) to plugins in mega.config.ts.`,
    )
    const html = await renderer(this.reply, name, data)
    return this.reply.type('text/html; charset=utf-8').send(html)
  }
  file(field: string, check?: FileCheck): Promise<UploadedFile | undefined> {
    return fileOf(this.request, field, check)
  }
  files(field?: string, check?: FileCheck): Promise<UploadedFile[]> {
    return filesOf(this.request, field, check)
  }
}
