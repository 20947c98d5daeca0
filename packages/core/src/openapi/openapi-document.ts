import type { AppScope } from '../app/app-scope.js'
import type { RouteInfo } from '../app/mega-server.js'
import type { MegaRouteConfig } from '../router/route-config.js'
import type { RouteDefinition } from '../router/route-types.js'
import type { RouteSchema } from '../router/route-schema.js'

import type { JsonObject, SchemaComponents } from './openapi-schemas.js'
import { routeSecurity } from './openapi-security.js'

/** The OpenAPI version of the document. */
export const OPENAPI_VERSION = '3.1.0'

/** The name of the shared failure-envelope schema under `components.schemas`. */
export const MEGA_ERROR_SCHEMA = 'MegaError'

// Set by the per-route transform, turned into `responses` (and removed) by the document transform.
const ERROR_STATUSES_KEY = 'x-mega-error-statuses'

/** The error responses an operation documents, by status; see `errorStatuses`. */
const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Malformed request: MEGA_BAD_REQUEST, MEGA_INVALID_JSON.',
  401: 'Not authenticated: MEGA_UNAUTHORIZED (or an app code).',
  403: 'Not allowed: MEGA_FORBIDDEN (or an app code).',
  404: 'Not found: MEGA_NOT_FOUND (or an app code).',
  422: 'Validation failed: MEGA_VALIDATION_FAILED, `details` lists each field.',
  500: 'Unexpected error: MEGA_INTERNAL (see the server log by request id).',
}

/** `components.schemas.MegaError`: Mega's failure envelope (see `http/envelope.ts`). */
export const MEGA_ERROR_COMPONENT: JsonObject = {
  type: 'object',
  description: "Mega's failure envelope.",
  properties: {
    ok: { type: 'boolean', enum: [false] },
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', description: 'Stable error code, e.g. MEGA_VALIDATION_FAILED.' },
        message: { type: 'string', description: 'What went wrong and what to do.' },
        details: {
          description: 'For validation failures, one { path, message } per problem.',
          anyOf: [
            {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, message: { type: 'string' } },
                required: ['path', 'message'],
              },
            },
            { type: 'object', additionalProperties: true },
          ],
        },
        requestId: { type: 'string', description: 'Also sent as the x-request-id header.' },
      },
      required: ['code', 'message', 'requestId'],
    },
  },
  required: ['ok', 'error'],
}

/**
 * The error statuses a route documents: 500 always; 422 when it has an input schema; 400 when it
 * takes a body (malformed JSON); 404 when its path has parameters; 401 and 403 when it has `before`
 * hooks (guards).
 */
export function errorStatuses(route: RouteDefinition): number[] {
  const { params, query, body, headers } = route.schema
  const statuses: number[] = []
  if (body !== undefined) statuses.push(400)
  if (route.before.length > 0) statuses.push(401, 403)
  if (route.path.includes(':')) statuses.push(404)
  if ([params, query, body, headers].some((s) => s !== undefined)) statuses.push(422)
  statuses.push(500)
  return statuses
}

function successResponse(route: RouteDefinition, schemas: SchemaComponents): JsonObject {
  if (route.status === 204) return { 'x-response-description': 'No content.', type: 'null' }
  const { response } = route.schema
  const data = response === undefined ? {} : schemas.convert(response, 'output')
  return {
    'x-response-description': "Success: Mega's envelope around the route's data.",
    type: 'object',
    properties: {
      ok: { type: 'boolean', enum: [true] },
      data,
      meta: { type: 'object', additionalProperties: true },
    },
    required: ['ok', 'data'],
  }
}

const REQUEST_PARTS = [
  ['params', 'params'],
  ['query', 'querystring'],
  ['body', 'body'],
  ['headers', 'headers'],
] as const satisfies readonly (readonly [keyof RouteSchema, string])[]

/**
 * The Fastify-style schema `@fastify/swagger` turns into one operation: operationId (the route's
 * name), summary, description, tags (default: the app's name), deprecated, `security` (from its
 * `securedBy` hooks), request parts, the success envelope, and the error statuses for
 * {@link finishDocument}.
 */
export function operationSchema(
  route: RouteDefinition,
  app: string,
  schemas: SchemaComponents,
): JsonObject {
  const out: JsonObject = { tags: [...(route.tags ?? [app])] }
  if (route.name !== undefined) out.operationId = route.name
  if (route.summary !== undefined) out.summary = route.summary
  if (route.description !== undefined) out.description = route.description
  if (route.deprecated === true) out.deprecated = true
  const security = routeSecurity(route)
  if (security !== undefined) out.security = [security]
  for (const [part, key] of REQUEST_PARTS) {
    const schema = route.schema[part]
    if (schema !== undefined) out[key] = schemas.convert(schema, 'input', part !== 'body')
  }
  out.response = { [route.status]: successResponse(route, schemas) }
  out[ERROR_STATUSES_KEY] = errorStatuses(route)
  return out
}

/** The Mega route behind a Fastify route, from its config (`undefined` for other routes). */
export function megaRouteOf(
  config: unknown,
): { route: RouteDefinition; scope: AppScope } | undefined {
  const c = config as Partial<MegaRouteConfig> | undefined
  if (c?.megaRoute === undefined || c.megaScope === undefined) return undefined
  return { route: c.megaRoute, scope: c.megaScope }
}

/** A route as `exclude` predicates see it (the shape of `server.routes()`). */
export function routeInfo(route: RouteDefinition, app: string, fullPath: string): RouteInfo {
  return {
    app,
    kind: 'http',
    method: route.method,
    path: fullPath,
    name: route.name,
    summary: route.summary,
    schema: route.schema,
  }
}

function errorResponse(status: number): JsonObject {
  return {
    description: ERROR_DESCRIPTIONS[status] ?? 'Error.',
    content: {
      'application/json': { schema: { $ref: `#/components/schemas/${MEGA_ERROR_SCHEMA}` } },
    },
  }
}

/**
 * Completes the document `@fastify/swagger` built: the `MegaError` component and the schemas moved
 * out of the routes' schemas, the error responses of each operation, and the title when none was
 * given.
 */
export function finishDocument(
  document: JsonObject,
  extraSchemas: Readonly<JsonObject>,
  title: string | undefined,
): JsonObject {
  const components = (document.components ??= {}) as JsonObject
  const schemas = (components.schemas ??= {}) as JsonObject
  const schemes = components.securitySchemes as JsonObject | undefined
  if (schemes !== undefined && Object.keys(schemes).length === 0) delete components.securitySchemes
  Object.assign(schemas, extraSchemas)
  schemas[MEGA_ERROR_SCHEMA] = MEGA_ERROR_COMPONENT
  if (title !== undefined) document.info = { ...(document.info as JsonObject), title }
  for (const item of Object.values((document.paths ?? {}) as JsonObject)) {
    for (const operation of Object.values(item as JsonObject)) {
      const op = operation as JsonObject
      const statuses = op[ERROR_STATUSES_KEY]
      if (!Array.isArray(statuses)) continue
      delete op[ERROR_STATUSES_KEY]
      const responses = (op.responses ??= {}) as JsonObject
      for (const status of statuses as number[]) responses[String(status)] ??= errorResponse(status)
    }
  }
  return document
}
