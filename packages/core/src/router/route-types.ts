import type { z } from 'zod'
import type { MegaIssue } from '@mega/observe'
import type { RequestContext } from '../app/request-context.js'
import type { RouteSchema } from './route-schema.js'

/** HTTP methods a route can answer, as declared once. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const

/** One of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number]

/** What a handler returns: the response schema's input type, or anything without one. */
export type RouteOutput<S extends RouteSchema> = [S['response']] extends [z.ZodType]
  ? z.input<S['response']>
  : unknown

/** A route handler: receives the typed context, returns the `data` of the success envelope. */
export type RouteHandler<S extends RouteSchema = RouteSchema> = (
  ctx: RequestContext<S>,
) => RouteOutput<S> | Promise<RouteOutput<S>>

/**
 * Middleware that runs before the handler: returns an identity (stored as `ctx.identity`), returns
 * nothing to pass, or throws (e.g. `UnauthorizedError`) to stop the request.
 */
export type BeforeHook = (ctx: RequestContext) => unknown

/**
 * A declarative authorization check: `true` lets the request through, anything else answers 403
 * `MEGA_FORBIDDEN` (it may also throw its own error). It runs after the `authenticate` hooks and every
 * `before` hook of its groups and route (so `ctx.identity` and `ctx.auth` are set) and before the input is validated
 * (authorize, then validate: a caller who may not use the route learns nothing from a 422). So
 * `ctx` is the handler's context, but its input is not validated yet: `params` and `query` hold
 * the raw strings, `body` the parsed JSON as sent.
 *
 * @example
 * r.group({ prefix: '/admin', before: [signedIn], authorize: (ctx) => isStaff(ctx.identity) }, (r) => {
 *   r.get('/logs', listLogs)
 * })
 */
export type AuthorizeHook = (ctx: RequestContext) => boolean | Promise<boolean>

/** What {@link OnInvalid} gets about a request that failed validation. */
export interface InvalidInput {
  /** Every issue, paths as in the 422 envelope (`body.title`). */
  readonly issues: readonly MegaIssue[]
  /** The first message of each field, by the field's name without its part (`title`): for a form. */
  readonly fields: Readonly<Record<string, string>>
}

/**
 * Answers a request of this route that failed validation (422 `MEGA_VALIDATION_FAILED`: the route's
 * schema, or a service's validation thrown by the handler) instead of the JSON envelope: an HTML
 * form route re-renders its page with the messages. Answer through `ctx` (`ctx.status(422).render(…)`,
 * a redirect); a value returned instead is sent as the body with status 422; `undefined` without an
 * answer falls back to the envelope. `ctx.body` holds the input as sent.
 */
export type OnInvalid = (ctx: RequestContext, invalid: InvalidInput) => unknown

/** Per-route options. */
export interface RouteOptions<S extends RouteSchema = RouteSchema> {
  readonly schema?: S
  /** Unique route name, e.g. `users.show`, for listings and URL building. */
  readonly name?: string
  readonly before?: readonly BeforeHook[]
  /** Answers a request that failed validation instead of the 422 envelope. See {@link OnInvalid}. */
  readonly onInvalid?: OnInvalid
  /**
   * Who may call the route: runs after the group's checks, all must pass (403 `MEGA_FORBIDDEN`
   * otherwise), before validation. See {@link AuthorizeHook}. @default none
   */
  readonly authorize?: AuthorizeHook
  /** Status of a successful response. @default 200 */
  readonly status?: number
  /** One-line description for route listings and OpenAPI. */
  readonly summary?: string
  /** Longer description (CommonMark) for the OpenAPI document. */
  readonly description?: string
  /** OpenAPI tags that group the route in the docs. @default [the app's name] */
  readonly tags?: readonly string[]
  /** Marks the route as deprecated in the OpenAPI document (it still answers). @default false */
  readonly deprecated?: boolean
}

/** A declared HTTP route, as the route registry keeps it. */
export interface RouteDefinition {
  readonly kind: 'http'
  readonly method: HttpMethod
  readonly path: string
  readonly name: string | undefined
  readonly schema: RouteSchema
  readonly before: readonly BeforeHook[]
  /** The authorization checks of its groups and its own, outermost first; all must pass. */
  readonly authorize?: readonly AuthorizeHook[]
  readonly status: number
  readonly summary: string | undefined
  /** From {@link RouteOptions.description}. */
  readonly description?: string | undefined
  /** From {@link RouteOptions.tags}. */
  readonly tags?: readonly string[] | undefined
  /** From {@link RouteOptions.deprecated}. */
  readonly deprecated?: boolean | undefined
  readonly handler: RouteHandler<RouteSchema>
  /** From {@link RouteOptions.onInvalid}. */
  readonly onInvalid?: OnInvalid | undefined
}

/** A declared WebSocket route; `@mega/ws` drives it when installed. */
export interface WsRouteDefinition {
  readonly kind: 'ws'
  readonly path: string
  readonly name: string | undefined
  readonly channel: unknown
  readonly options: Readonly<Record<string, unknown>>
  readonly before: readonly BeforeHook[]
}

/** A handler, or a handler with its options, for one action of a resource controller. */
export type ResourceAction =
  RouteHandler | { readonly options: RouteOptions; readonly handler: RouteHandler }

/** The REST actions of {@link RouteBuilder.resource}; each is optional. */
export interface ResourceController {
  readonly index?: ResourceAction
  readonly show?: ResourceAction
  readonly create?: ResourceAction
  readonly update?: ResourceAction
  readonly destroy?: ResourceAction
}

/** Options of a route group. */
export interface GroupOptions {
  readonly prefix?: string
  readonly before?: readonly BeforeHook[]
  /**
   * Who may call the group's routes (403 `MEGA_FORBIDDEN` otherwise), checked after every `before`
   * hook and before validation; nested groups add theirs, and all must pass. See {@link AuthorizeHook}.
   * @default none
   */
  readonly authorize?: AuthorizeHook
  /** Prefix for the names of the group's routes (`admin.` → `admin.users.index`). */
  readonly namePrefix?: string
}

/** Options of {@link RouteBuilder.resource}: hooks and an authorization check for every action. */
export interface ResourceOptions {
  readonly before?: readonly BeforeHook[]
  /** Who may call the resource's actions, as for a group. See {@link AuthorizeHook}. @default none */
  readonly authorize?: AuthorizeHook
}

type MethodFn = {
  <S extends RouteSchema>(
    path: string,
    options: RouteOptions<S>,
    handler: RouteHandler<S>,
  ): RouteBuilder
  (path: string, handler: RouteHandler<RouteSchema>): RouteBuilder
}

/** What `defineRoutes(r => ...)` hands you. */
export interface RouteBuilder {
  readonly get: MethodFn
  readonly post: MethodFn
  readonly put: MethodFn
  readonly patch: MethodFn
  readonly delete: MethodFn
  /** Routes under a shared prefix, middleware and name prefix. */
  group(options: GroupOptions, define: (r: RouteBuilder) => void): RouteBuilder
  /** The REST set: index, show, create, update (PATCH and PUT), destroy. */
  resource(name: string, controller: ResourceController, options?: ResourceOptions): RouteBuilder
  /** Declares a WebSocket route, driven by `@mega/ws` when installed. */
  ws(
    path: string,
    channel: unknown,
    options?: Readonly<Record<string, unknown>> & {
      readonly name?: string
      readonly before?: readonly BeforeHook[]
    },
  ): RouteBuilder
}

/** The result of {@link defineRoutes}: an ordered, frozen list of routes. */
export interface RouteTable {
  readonly routes: readonly (RouteDefinition | WsRouteDefinition)[]
}
