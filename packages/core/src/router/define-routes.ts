import { type MegaError } from '@mega/observe'
import type {
  AuthorizeHook,
  BeforeHook,
  GroupOptions,
  HttpMethod,
  OnInvalid,
  ResourceAction,
  ResourceController,
  ResourceOptions,
  RouteBuilder,
  RouteDefinition,
  RouteHandler,
  RouteOptions,
  RouteTable,
  WsRouteDefinition,
} from './route-types.js'
import type { RouteSchema } from './route-schema.js'
import { CORE_ERRORS } from '../errors.js'

interface Scope {
  readonly prefix: string
  readonly before: readonly BeforeHook[]
  readonly authorize: readonly AuthorizeHook[]
  readonly namePrefix: string
}

function withCheck(
  checks: readonly AuthorizeHook[],
  check: AuthorizeHook | undefined,
): readonly AuthorizeHook[] {
  if (check === undefined) return checks
  if (typeof check !== 'function')
    throw invalid('authorize must be a function (ctx) => boolean | Promise<boolean>.')
  return [...checks, check]
}

function checkOnInvalid(onInvalid: OnInvalid): OnInvalid {
  if (typeof onInvalid !== 'function')
    throw invalid('onInvalid must be a function (ctx, { issues, fields }) => answer.')
  return onInvalid
}

const PATH_RE = /^\/[A-Za-z0-9\-._~:/*{}]*$/

/** Joins URL path pieces: `/admin` + `/users/` → `/admin/users`. */
export function joinPath(...parts: string[]): string {
  const joined = parts.join('/').replace(/\/{2,}/g, '/')
  const trimmed = joined.length > 1 ? joined.replace(/\/$/, '') : joined
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}

function invalid(message: string): MegaError {
  return CORE_ERRORS.create('MEGA_ROUTE_INVALID', [message])
}

function checkPath(path: string): void {
  if (typeof path !== 'string' || !PATH_RE.test(path)) {
    throw invalid(
      `Route path ${JSON.stringify(path)} is invalid: start with "/" and use URL-safe characters (":id" for params).`,
    )
  }
}

function split(
  optionsOrHandler: RouteOptions | RouteHandler,
  handler: RouteHandler | undefined,
): [RouteOptions, RouteHandler] {
  if (typeof optionsOrHandler === 'function') return [{}, optionsOrHandler]
  if (typeof handler !== 'function')
    throw invalid('A route needs a handler function as its last argument.')
  return [optionsOrHandler, handler]
}

function actionParts(action: ResourceAction): [RouteOptions, RouteHandler] {
  return typeof action === 'function' ? [{}, action] : [action.options, action.handler]
}

class Builder implements RouteBuilder {
  readonly #routes: (RouteDefinition | WsRouteDefinition)[]
  readonly #scope: Scope

  constructor(routes: (RouteDefinition | WsRouteDefinition)[], scope: Scope) {
    this.#routes = routes
    this.#scope = scope
  }

  readonly get = this.#method('GET')
  readonly post = this.#method('POST')
  readonly put = this.#method('PUT')
  readonly patch = this.#method('PATCH')
  readonly delete = this.#method('DELETE')

  #method(method: HttpMethod): RouteBuilder['get'] {
    const add = (
      path: string,
      optionsOrHandler: RouteOptions | RouteHandler,
      handler?: RouteHandler,
    ): RouteBuilder => {
      const [options, fn] = split(optionsOrHandler, handler)
      return this.#add(method, path, options, fn)
    }
    return add
  }

  #add(method: HttpMethod, path: string, options: RouteOptions, handler: RouteHandler): this {
    checkPath(path)
    this.#routes.push(
      Object.freeze({
        kind: 'http',
        method,
        path: joinPath(this.#scope.prefix, path),
        name: options.name === undefined ? undefined : `${this.#scope.namePrefix}${options.name}`,
        schema: Object.freeze({ ...options.schema }),
        before: Object.freeze([...this.#scope.before, ...(options.before ?? [])]),
        authorize: Object.freeze([...withCheck(this.#scope.authorize, options.authorize)]),
        status: options.status ?? 200,
        summary: options.summary,
        description: options.description,
        tags: options.tags === undefined ? undefined : Object.freeze([...options.tags]),
        deprecated: options.deprecated,
        handler,
        ...(options.onInvalid === undefined
          ? {}
          : { onInvalid: checkOnInvalid(options.onInvalid) }),
      }),
    )
    return this
  }

  // This builder with the resource's check added to its scope (the same one without a check).
  #withAuthorize(check: AuthorizeHook | undefined): Builder {
    if (check === undefined) return this
    return new Builder(this.#routes, {
      ...this.#scope,
      authorize: withCheck(this.#scope.authorize, check),
    })
  }

  group(options: GroupOptions, define: (r: RouteBuilder) => void): this {
    if (options.prefix !== undefined) checkPath(options.prefix)
    define(new Builder(this.#routes, {
      prefix: joinPath(this.#scope.prefix, options.prefix ?? '/'),
      before: [...this.#scope.before, ...(options.before ?? [])],
      authorize: withCheck(this.#scope.authorize, options.authorize),
      namePrefix: `${this.#scope.namePrefix}${options.namePrefix ?? ''}`,
    }))
    return this
  }

  resource(name: string, controller: ResourceController, options: ResourceOptions = {}): this {
    if (!/^[a-z][a-z0-9-_]*$/i.test(name))
      throw invalid(`Resource name "${name}" is invalid: use letters, digits, "-" or "_".`)
    const base = `/${name}`
    const item = `/${name}/:id`
    const table: [keyof ResourceController, HttpMethod[], string][] = [
      ['index', ['GET'], base],
      ['create', ['POST'], base],
      ['show', ['GET'], item],
      ['update', ['PATCH', 'PUT'], item],
      ['destroy', ['DELETE'], item],
    ]
    const target = this.#withAuthorize(options.authorize)
    for (const [action, methods, path] of table) {
      const entry = controller[action]
      if (entry === undefined) continue
      const [routeOptions, handler] = actionParts(entry)
      methods.forEach((method, i) => {
        const routeName = i === 0 ? (routeOptions.name ?? `${name}.${action}`) : undefined
        const status = routeOptions.status ?? (action === 'create' ? 201 : 200)
        const before = [...(options.before ?? []), ...(routeOptions.before ?? [])]
        target.#add(method, path, { ...routeOptions, name: routeName, status, before }, handler)
      })
    }
    return this
  }

  ws(
    path: string,
    channel: unknown,
    options: Readonly<Record<string, unknown>> & {
      readonly name?: string
      readonly before?: readonly BeforeHook[]
    } = {},
  ): this {
    checkPath(path)
    const { name, before, ...rest } = options
    this.#routes.push(
      Object.freeze({
        kind: 'ws',
        path: joinPath(this.#scope.prefix, path),
        name: name === undefined ? undefined : `${this.#scope.namePrefix}${name}`,
        channel,
        options: Object.freeze(rest),
        before: Object.freeze([...this.#scope.before, ...(before ?? [])]),
      }),
    )
    return this
  }
}

/**
 * Declares routes. Schemas are zod; handler input types are inferred from them.
 *
 * @example
 * export default defineRoutes((r) => {
 *   r.get('/users/:id', { schema: { params: z.object({ id: z.coerce.number() }) } }, (ctx) => ({
 *     id: ctx.params.id,
 *   }))
 * })
 */
export function defineRoutes(define: (r: RouteBuilder) => void): RouteTable {
  const routes: (RouteDefinition | WsRouteDefinition)[] = []
  define(new Builder(routes, { prefix: '/', before: [], authorize: [], namePrefix: '' }))
  return Object.freeze({ routes: Object.freeze(routes) })
}

/**
 * One typed action of a resource controller: handler input types are inferred from `options.schema`.
 *
 * @example
 * r.resource('notes', {
 *   show: action({ schema: { params: z.object({ id: z.coerce.number() }) } }, (ctx) => find(ctx.params.id)),
 * })
 */
export function action<S extends RouteSchema>(
  options: RouteOptions<S>,
  handler: RouteHandler<S>,
): ResourceAction {
  return { options, handler: handler as unknown as RouteHandler }
}
