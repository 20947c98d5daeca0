import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import type { RouteDefinition, BeforeHook } from '../router/route-types.js'
import { CORE_ERRORS } from '../errors.js'

/** The scheme `securedBy('bearer', ...)` refers to when `openapi()` declares none of that name. */
export const DEFAULT_BEARER_SCHEME = 'bearer'

/** An OpenAPI security requirement: scheme name → scopes (empty for bearer and API keys). */
export type SecurityRequirement = Readonly<Record<string, readonly string[]>>

/** An OpenAPI 3.1 security scheme (`components.securitySchemes`). */
export type SecurityScheme =
  | {
      readonly type: 'http'
      /** `bearer`, `basic`... */
      readonly scheme: string
      readonly bearerFormat?: string
      readonly description?: string
    }
  | {
      readonly type: 'apiKey'
      readonly name: string
      readonly in: 'query' | 'header' | 'cookie'
      readonly description?: string
    }
  | {
      readonly type: 'oauth2'
      /** The OAuth flows object, as OpenAPI writes it. */
      readonly flows: Readonly<Record<string, unknown>>
      readonly description?: string
    }
  | {
      readonly type: 'openIdConnect'
      readonly openIdConnectUrl: string
      readonly description?: string
    }
  | { readonly type: 'mutualTLS'; readonly description?: string }

const schemeName = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]+$/,
    'must be letters, digits, ".", "-" or "_" (an OpenAPI component name)',
  )

const description = z.string().min(1).optional()

/** Validates `openapi({ securitySchemes })`. */
export const securitySchemesSchema = z.record(
  schemeName,
  z.discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('http'),
        scheme: z.string().min(1, 'must not be empty'),
        bearerFormat: z.string().min(1).optional(),
        description,
      }),
      z.strictObject({
        type: z.literal('apiKey'),
        name: z.string().min(1, 'must not be empty'),
        in: z.enum(['query', 'header', 'cookie']),
        description,
      }),
      z.strictObject({
        type: z.literal('oauth2'),
        flows: z.record(z.string(), z.unknown()),
        description,
      }),
      z.strictObject({
        type: z.literal('openIdConnect'),
        openIdConnectUrl: z.url(),
        description,
      }),
      z.strictObject({ type: z.literal('mutualTLS'), description }),
    ],
    {
      error:
        'must be an OpenAPI security scheme: type http, apiKey, oauth2, openIdConnect or mutualTLS',
    },
  ),
)

/** The scheme used for `bearer` when `openapi()` does not declare it. */
export const DEFAULT_BEARER: SecurityScheme = { type: 'http', scheme: 'bearer' }

const securedBySchema = z.object({
  requirement: z.union([schemeName, z.record(schemeName, z.array(z.string().min(1)))], {
    error: 'must be a scheme name ("bearer") or { [scheme]: scopes[] }',
  }),
  hook: z.custom<BeforeHook>(
    (value) => typeof value === 'function',
    'must be a function (ctx) => unknown',
  ),
})

const REQUIREMENTS = new WeakMap<BeforeHook, SecurityRequirement>()

/**
 * Declares that a route's `before` hook authenticates with an OpenAPI security scheme, for the
 * document: every route with the returned hook (in its own or its group's `before`) gets `security`
 * in `openapi()`'s document, so the docs UI sends the token ("Authorize") and generated clients know
 * the route needs one. Returns a hook that runs `hook`. `'bearer'` is declared as an HTTP bearer
 * scheme unless `openapi({ securitySchemes })` declares it; any other name must be declared there.
 *
 * @example
 * r.group({ prefix: '/boards', before: [securedBy('bearer', requireUser)] }, (r) => ...)
 * r.get('/reports', { before: [securedBy({ oauth: ['reports:read'] }, requireScope)] }, handler)
 */
export function securedBy(requirement: string | SecurityRequirement, hook: BeforeHook): BeforeHook {
  const parsed = parseOptions(securedBySchema, { requirement, hook }, 'securedBy').requirement
  const secured: BeforeHook = (ctx) => hook(ctx)
  REQUIREMENTS.set(
    secured,
    Object.freeze(typeof parsed === 'string' ? { [parsed]: [] } : { ...parsed }),
  )
  return secured
}

/**
 * The requirement of a route from its `securedBy` hooks, all required together (one requirement
 * object, scopes merged); `undefined` when it has none.
 */
export function routeSecurity(route: RouteDefinition): SecurityRequirement | undefined {
  const merged: Record<string, Set<string>> = {}
  for (const hook of route.before) {
    const requirement = REQUIREMENTS.get(hook)
    if (requirement === undefined) continue
    for (const [name, scopes] of Object.entries(requirement))
      for (const scope of scopes) (merged[name] ??= new Set()).add(scope)
    for (const name of Object.keys(requirement)) merged[name] ??= new Set()
  }
  const names = Object.keys(merged)
  if (names.length === 0) return undefined
  return Object.fromEntries(names.map((name) => [name, [...(merged[name] ?? [])]]))
}

/**
 * The schemes of the document, as `@fastify/swagger` needs them before it reads any route: the
 * declared ones, plus `bearer` once a route uses it undeclared. Routes that name a scheme neither
 * declared nor `bearer` make {@link SecuritySchemes.check} throw `MEGA_OPENAPI_SCHEME_UNKNOWN`.
 */
export class SecuritySchemes {
  /** Shared with `@fastify/swagger`'s components (filled in as routes are mounted). */
  readonly schemes: Record<string, SecurityScheme>
  readonly #unknown: string[] = []

  constructor(declared: Readonly<Record<string, SecurityScheme>> | undefined) {
    this.schemes = { ...declared }
  }

  /** Notes the schemes a mounted route names, adding the default bearer scheme when needed. */
  use(route: RouteDefinition, url: string): void {
    for (const name of Object.keys(routeSecurity(route) ?? {})) {
      if (this.schemes[name] !== undefined) continue
      if (name === DEFAULT_BEARER_SCHEME) this.schemes[name] = DEFAULT_BEARER
      else this.#unknown.push(`${route.method} ${url} uses "${name}"`)
    }
  }

  /** Once every route is mounted (at start): throws when a route named an undeclared scheme. */
  check(): void {
    if (this.#unknown.length === 0) return
    const known = Object.keys(this.schemes).join(', ') || 'none'
    throw CORE_ERRORS.create('MEGA_OPENAPI_SCHEME_UNKNOWN', [this.#unknown, known])
  }
}
