import type { EventEmitter } from 'node:events'
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api'
import { DEFAULT_TRACER_NAME } from './tracing.js'

/** Request headers as Node gives them (`IncomingHttpHeaders`): lower-case names. */
export type HttpHeaders = Readonly<Record<string, string | readonly string[] | undefined>>

/** What {@link startHttpServerSpan} needs to know about an incoming request. */
export interface HttpServerRequest {
  /** The request method as sent (`GET`). */
  readonly method: string
  /** The request target as sent: path and query (`/users/7?full=1`). */
  readonly url: string
  /** The route template that matched (`/users/:id`); `undefined` when none did (a 404). */
  readonly route: string | undefined
  /** The request headers; `traceparent`/`tracestate` continue the caller's trace. */
  readonly headers: HttpHeaders
  /** `http` or `https`. @default 'http' */
  readonly scheme?: string
  /** The host name the client addressed (`server.address`). @default undefined (omitted) */
  readonly serverAddress?: string
  /** The port the client addressed (`server.port`). @default undefined (omitted) */
  readonly serverPort?: number
  /** The client's address (`client.address`). @default undefined (omitted) */
  readonly clientAddress?: string
}

/** The server span of one HTTP request; see {@link startHttpServerSpan}. */
export interface HttpServerSpan {
  /** The trace id (32 hex digits): the caller's when it sent a `traceparent`. */
  readonly traceId: string
  /** This span's id (16 hex digits). */
  readonly spanId: string
  /** The context with this span active (for code that takes an OpenTelemetry `Context`). */
  readonly context: Context
  /** Runs `fn` with this span active, so its logs carry the span's ids and its spans are children. */
  run<T>(fn: () => T): T
  /** Makes `emitter`'s listeners run with this span active (a request body read from a socket). */
  bind<E extends EventEmitter>(emitter: E): E
  /** Records a thrown error on the span (an `exception` event, and its code or name as `error.type`). */
  recordError(err: unknown): void
  /**
   * Sets `http.response.status_code` (and status ERROR with `error.type` for a 5xx) and ends the
   * span. Later calls do nothing.
   */
  end(statusCode: number): void
}

const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
])

const headerGetter: TextMapGetter<HttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key] as string | string[] | undefined,
}

function firstHeader(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0]
}

function requestAttributes(request: HttpServerRequest, method: string): Attributes {
  const query = request.url.indexOf('?')
  const attributes: Attributes = {
    'http.request.method': method,
    'url.path': query === -1 ? request.url : request.url.slice(0, query),
    'url.scheme': request.scheme ?? 'http',
  }
  if (method !== request.method) attributes['http.request.method_original'] = request.method
  if (query !== -1) attributes['url.query'] = request.url.slice(query + 1)
  if (request.route !== undefined) attributes['http.route'] = request.route
  if (request.serverAddress !== undefined) attributes['server.address'] = request.serverAddress
  if (request.serverPort !== undefined) attributes['server.port'] = request.serverPort
  if (request.clientAddress !== undefined) attributes['client.address'] = request.clientAddress
  const agent = firstHeader(request.headers['user-agent'])
  if (agent !== undefined) attributes['user_agent.original'] = agent
  return attributes
}

function errorType(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'string') return code
  return err instanceof Error ? err.name : typeof err
}

class ServerSpan implements HttpServerSpan {
  readonly context: Context
  readonly #span: Span
  #ended = false
  #errorType: string | undefined

  constructor(span: Span, parent: Context) {
    this.#span = span
    this.context = trace.setSpan(parent, span)
  }

  get traceId(): string {
    return this.#span.spanContext().traceId
  }

  get spanId(): string {
    return this.#span.spanContext().spanId
  }

  run<T>(fn: () => T): T {
    return context.with(this.context, fn)
  }

  bind<E extends EventEmitter>(emitter: E): E {
    return context.bind(this.context, emitter)
  }

  recordError(err: unknown): void {
    if (this.#ended) return
    this.#span.recordException(err instanceof Error ? err : String(err))
    this.#errorType = errorType(err)
    this.#span.setAttribute('error.type', this.#errorType)
  }

  end(statusCode: number): void {
    if (this.#ended) return
    this.#ended = true
    this.#span.setAttribute('http.response.status_code', statusCode)
    // Semantic conventions: a server span is an error for 5xx only (4xx is the client's fault); its
    // error.type is the thrown error's when one was recorded, else the status code.
    if (statusCode >= 500) {
      if (this.#errorType === undefined) this.#span.setAttribute('error.type', String(statusCode))
      this.#span.setStatus({ code: SpanStatusCode.ERROR })
    }
    this.#span.end()
  }
}

/**
 * Starts the SERVER span of an incoming HTTP request, following the OpenTelemetry HTTP semantic
 * conventions: named `GET /users/:id` (method and route template, or the method alone when no
 * route matched), with `http.request.method`, `url.path`, `url.query`, `url.scheme`, `http.route`,
 * `server.address`, `server.port`, `client.address`, `user_agent.original`, and at the end
 * `http.response.status_code`. A W3C `traceparent` (and `tracestate`) in the headers makes it a
 * child of the caller's span. Without {@link initTracing} the span is a no-op.
 *
 * @example
 * const span = startHttpServerSpan({ method: 'GET', url: '/users/7', route: '/users/:id', headers })
 * span.run(() => handle())
 * span.end(200)
 */
export function startHttpServerSpan(request: HttpServerRequest): HttpServerSpan {
  const upper = request.method.toUpperCase()
  const method = KNOWN_METHODS.has(upper) ? upper : '_OTHER'
  const base = method === '_OTHER' ? 'HTTP' : method
  const name = request.route === undefined ? base : `${base} ${request.route}`
  const parent = propagation.extract(context.active(), request.headers, headerGetter)
  const span = trace
    .getTracer(DEFAULT_TRACER_NAME)
    .startSpan(
      name,
      { kind: SpanKind.SERVER, attributes: requestAttributes(request, method) },
      parent,
    )
  return new ServerSpan(span, parent)
}
