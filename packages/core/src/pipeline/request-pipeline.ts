import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { MegaError } from '@mega/observe'
import { HttpContext, type RequestContext } from '../app/request-context.js'
import { createAppScope, type AppScope } from '../app/app-scope.js'
import type { MegaRouteConfig } from '../router/compile-route.js'
import { parseRuntime } from '../router/runtime-validation.js'

/**
 * The phases of a request, in order, declared once. `handle` (the route handler) and `serialize`
 * (Fastify's compiled serialiser) belong to the framework; the others take hooks, plus `onError`.
 */
export const REQUEST_PHASES = [
  'onRequest',
  'authenticate',
  'validate',
  'handle',
  'serialize',
  'onResponse',
] as const

/** One of {@link REQUEST_PHASES}. */
export type RequestPhase = (typeof REQUEST_PHASES)[number]

/** The phases that take hooks: before routing, authentication, after validation, after the response, on error. */
export const HOOK_PHASES = [
  'onRequest',
  'authenticate',
  'validate',
  'onResponse',
  'onError',
] as const

/** One of {@link HOOK_PHASES}. */
export type HookPhase = (typeof HOOK_PHASES)[number]

/** What a response hook learns. */
export interface ResponseInfo {
  readonly statusCode: number
  readonly durationMs: number
}

/** The hook signature of each phase. */
export interface PhaseHookMap {
  /** Before routing and parsing; throw to answer with an error. */
  onRequest: (ctx: RequestContext) => unknown
  /** After parsing, before validation: return an identity (→ `ctx.auth`) or throw (401/403). */
  authenticate: (ctx: RequestContext) => unknown
  /** After validation, with typed input, before the handler: throw to reject. */
  validate: (ctx: RequestContext) => unknown
  /** After the response was sent (metrics, audit): errors are logged, never change the response. */
  onResponse: (ctx: RequestContext, info: ResponseInfo) => unknown
  /** When a request fails, before the error response is sent: errors are logged and ignored. */
  onError: (error: unknown, ctx: RequestContext) => unknown
}

// The context lives on the request itself (a property Fastify declares on every request, so the
// object keeps one shape). A WeakMap keyed by short-lived requests doubled the per-request cost in
// apps/bench (V8 traces the ephemeron table at every scavenge).
const CONTEXT = 'megaContext'

interface WithContext {
  [CONTEXT]?: HttpContext | null
}

type RouteConfig = Partial<MegaRouteConfig> | undefined

function routeConfig(request: FastifyRequest): RouteConfig {
  return request.routeOptions.config as RouteConfig
}

/** The request's context, created once and shared by every phase and the handler. */
export function contextOf(
  request: FastifyRequest,
  reply: FastifyReply,
  fallback: AppScope,
): HttpContext {
  const holder = request as unknown as WithContext
  let ctx = holder[CONTEXT]
  if (ctx === undefined || ctx === null) {
    const scope = routeConfig(request)?.megaScope ?? fallback
    ctx = new HttpContext(request, reply, scope)
    holder[CONTEXT] = ctx
  }
  return ctx
}

/** Hooks per phase, run at the right Fastify hook for every route of the server. */
export class RequestPipeline {
  readonly #hooks: { [P in HookPhase]: PhaseHookMap[P][] } = {
    onRequest: [],
    authenticate: [],
    validate: [],
    onResponse: [],
    onError: [],
  }
  readonly #fallback = createAppScope('server')

  /** Adds a hook to a phase; an unknown phase or a non-function is a coded error. */
  add<P extends HookPhase>(phase: P, hook: PhaseHookMap[P]): void {
    if (!(HOOK_PHASES as readonly string[]).includes(phase)) {
      throw new MegaError(
        'MEGA_PIPELINE_UNKNOWN_PHASE',
        `Unknown phase "${String(phase)}": hooks go to ${HOOK_PHASES.join(', ')}.`,
      )
    }
    if (typeof hook !== 'function')
      throw new MegaError('MEGA_PIPELINE_UNKNOWN_PHASE', `The ${phase} hook must be a function.`)
    this.#hooks[phase].push(hook)
  }

  /** How many hooks a phase has. */
  count(phase: HookPhase): number {
    return this.#hooks[phase].length
  }

  /** The request's shared context (what handlers and hooks receive). */
  context(request: FastifyRequest, reply: FastifyReply): HttpContext {
    return contextOf(request, reply, this.#fallback)
  }

  /**
   * Installs the Fastify hooks that run the phases, once per server: onRequest hooks; then
   * authenticate hooks and the route's `before` hooks (preValidation, so a 401 comes before a 422);
   * Fastify's compiled validation; zod for what JSON Schema cannot express, then validate hooks
   * (preHandler); the handler; the serialiser; onResponse hooks.
   */
  install(fastify: FastifyInstance): void {
    fastify.decorateRequest(CONTEXT, null)
    const ctx = (request: FastifyRequest, reply: FastifyReply) => this.context(request, reply)
    fastify.addHook('onRequest', async (request, reply) => {
      for (const hook of this.#hooks.onRequest) await hook(ctx(request, reply))
    })
    fastify.addHook('preValidation', async (request, reply) => {
      const c = ctx(request, reply)
      for (const hook of [
        ...this.#hooks.authenticate,
        ...(routeConfig(request)?.megaBefore ?? []),
      ]) {
        const identity = await hook(c)
        if (identity !== undefined) c.auth = identity
        if (reply.sent) return
      }
    })
    fastify.addHook('preHandler', async (request, reply) => {
      const runtime = routeConfig(request)?.megaRuntime
      if (runtime !== undefined && runtime.length > 0) await parseRuntime(request, runtime)
      for (const hook of this.#hooks.validate) await hook(ctx(request, reply))
    })
    fastify.addHook('onResponse', async (request, reply) => {
      const info = { statusCode: reply.statusCode, durationMs: reply.elapsedTime }
      for (const hook of this.#hooks.onResponse)
        await this.#quietly(request, () => hook(ctx(request, reply), info))
    })
  }

  /** Runs the onError hooks; their own failures are logged and never change the response. */
  async runOnError(error: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    for (const hook of this.#hooks.onError)
      await this.#quietly(request, () => hook(error, contextOf(request, reply, this.#fallback)))
  }

  async #quietly(request: FastifyRequest, fn: () => unknown): Promise<void> {
    try {
      await fn()
    } catch (err) {
      request.log.error({ err }, 'pipeline hook failed')
    }
  }
}
