import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HttpContext, type RequestContext } from '../app/request-context.js'
import { createAppScope, type AppScope } from '../app/app-scope.js'
import type { MegaRouteConfig } from '../router/route-config.js'
import type { BeforeHook } from '../router/route-types.js'
import { parseRuntime, type RuntimePart } from '../router/runtime-validation.js'
import { CORE_ERRORS } from '../errors.js'

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
  /** After parsing, before validation: return an identity (→ `ctx.identity`) or throw (401/403). */
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

/**
 * The request's context, created once and shared by every phase and the handler. `scope` is the
 * route's app when the caller knows it (route hooks, the handler); otherwise it is read from the
 * route's config (a Fastify getter that builds an object: only global hooks pay for it).
 */
export function contextOf(
  request: FastifyRequest,
  reply: FastifyReply,
  fallback: AppScope,
  scope?: AppScope,
): HttpContext {
  const holder = request as unknown as WithContext
  let ctx = holder[CONTEXT]
  if (ctx === undefined || ctx === null) {
    ctx = new HttpContext(request, reply, scope ?? routeConfig(request)?.megaScope ?? fallback)
    holder[CONTEXT] = ctx
  }
  return ctx
}

const AFTER_VALIDATION = Symbol('mega.afterValidation')

/**
 * Marks a route's `before` hook to run after validation (with the typed, parsed input, after the
 * `validate` hooks), not before it; returns the same hook. `limitRoute({ phase: 'validated' })` uses it.
 */
export function afterValidation<H extends BeforeHook>(hook: H): H {
  Object.defineProperty(hook, AFTER_VALIDATION, { value: true })
  return hook
}

function runsAfterValidation(hook: BeforeHook): boolean {
  return (hook as { [AFTER_VALIDATION]?: boolean })[AFTER_VALIDATION] === true
}

/**
 * Runs guard hooks in order: an identity becomes `ctx.identity`; stops once one answered, and then
 * resolves the reply (for the Fastify hook to return) though typed as the hook's `undefined`.
 */
async function runGuards(
  hooks: readonly BeforeHook[],
  c: HttpContext,
  reply: FastifyReply,
): Promise<undefined> {
  for (const hook of hooks) {
    const identity = await hook(c)
    // A hook that answered (`return ctx.reply.redirect(...)`): wait until the reply is out, so
    // Fastify sees it sent and stops (async onSend hooks, such as the session save, delay that).
    if (identity === reply) return reply as unknown as undefined
    if (identity !== undefined) c.identity = identity
    if (reply.sent) return undefined
  }
  return undefined
}

/** A Fastify route hook. */
type RouteHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

/** What one route gets from the pipeline: its context getter and only the hooks it needs. */
export interface RouteHooks {
  readonly context: (request: FastifyRequest, reply: FastifyReply) => HttpContext
  /** authenticate hooks, then the route's `before` hooks (before validation: 401 before 422). */
  readonly preValidation?: RouteHook
  /** zod for what JSON Schema cannot express, validate hooks, then `before` hooks marked {@link afterValidation}. */
  readonly preHandler?: RouteHook
}

/**
 * Hooks per phase. A phase with no hook costs nothing: `install` adds a Fastify hook only for the
 * global phases in use, and each route gets route-level hooks only for what it needs (its `before`
 * hooks, runtime zod parts, authenticate and validate hooks). So every hook must be added before the
 * server starts (plugins' setup, `server.hook()` before `ready()`).
 */
export class RequestPipeline {
  readonly #hooks: { [P in HookPhase]: PhaseHookMap[P][] } = {
    onRequest: [],
    authenticate: [],
    validate: [],
    onResponse: [],
    onError: [],
  }
  readonly #fallback = createAppScope('server')
  #installed = false

  /**
   * Adds a hook to a phase; an unknown phase or a non-function is a coded error, and so is a hook
   * added once the server started (`MEGA_PIPELINE_STARTED`): it would never run.
   */
  add<P extends HookPhase>(phase: P, hook: PhaseHookMap[P]): void {
    if (this.#installed) throw CORE_ERRORS.create('MEGA_PIPELINE_STARTED', [String(phase)])
    if (!(HOOK_PHASES as readonly string[]).includes(phase)) {
      throw CORE_ERRORS.create('MEGA_PIPELINE_UNKNOWN_PHASE', [
        `Unknown phase "${String(phase)}": hooks go to ${HOOK_PHASES.join(', ')}.`,
      ])
    }
    if (typeof hook !== 'function')
      throw CORE_ERRORS.create('MEGA_PIPELINE_UNKNOWN_PHASE', [
        `The ${phase} hook must be a function.`,
      ])
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
   * Installs the global Fastify hooks for the phases in use (`onRequest`, `onResponse`), once per
   * server, after every hook was added and before the routes are mounted; no more hooks after it.
   */
  install(fastify: FastifyInstance): void {
    this.#installed = true
    fastify.decorateRequest(CONTEXT, null)
    const { onRequest, onResponse } = this.#hooks
    if (onRequest.length > 0)
      fastify.addHook('onRequest', async (request, reply) => {
        const ctx = this.context(request, reply)
        for (const hook of onRequest) await hook(ctx)
      })
    if (onResponse.length > 0)
      fastify.addHook('onResponse', async (request, reply) => {
        const info = { statusCode: reply.statusCode, durationMs: reply.elapsedTime }
        const ctx = this.context(request, reply)
        for (const hook of onResponse) await this.#quietly(request, () => hook(ctx, info))
      })
  }

  /**
   * The hooks of one route: the authenticate hooks and its `before` hooks (preValidation, so a 401
   * comes before a 422); Fastify's compiled validation; zod for what JSON Schema cannot express and
   * the validate hooks (preHandler). A route that needs none of them gets no hook at all.
   */
  forRoute(scope: AppScope, before: readonly BeforeHook[], runtime: readonly RuntimePart[]) {
    const context = (request: FastifyRequest, reply: FastifyReply) =>
      contextOf(request, reply, this.#fallback, scope)
    const guards = [...this.#hooks.authenticate, ...before.filter((h) => !runsAfterValidation(h))]
    const validated = before.filter(runsAfterValidation)
    const { validate } = this.#hooks
    const hooks: { -readonly [K in keyof RouteHooks]: RouteHooks[K] } = { context }
    if (guards.length > 0)
      hooks.preValidation = (request, reply) => runGuards(guards, context(request, reply), reply)
    if (runtime.length > 0 || validate.length > 0 || validated.length > 0)
      hooks.preHandler = async (request, reply) => {
        if (runtime.length > 0) await parseRuntime(request, runtime)
        for (const hook of validate) await hook(context(request, reply))
        if (validated.length > 0) return runGuards(validated, context(request, reply), reply)
      }
    return hooks as RouteHooks
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
