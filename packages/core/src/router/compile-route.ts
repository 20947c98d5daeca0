import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RouteOptions as FastifyRouteOptions,
} from 'fastify'
import type { AppScope } from '../app/app-scope.js'
import { ok } from '../http/envelope.js'
import type { HttpContext } from '../app/request-context.js'
import type { RouteHooks } from '../pipeline/request-pipeline.js'
import type { RouteDefinition } from './route-types.js'
import { REQUEST_PARTS, runtimeParts, type RuntimePart } from './runtime-validation.js'
import { toJsonSchema, type JsonSchema } from './zod-json-schema.js'

/** What a Mega route keeps in Fastify's route config, for global hooks and error handling. */
export interface MegaRouteConfig {
  readonly megaRouteName: string | undefined
  readonly megaScope: AppScope
}

/** Gives the route's hooks from its app scope, `before` hooks and runtime zod parts. */
export type RouteHooksFor = (
  scope: AppScope,
  before: RouteDefinition['before'],
  runtime: readonly RuntimePart[],
) => RouteHooks

function envelopeSchema(data: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: {
      ok: { type: 'boolean' },
      data,
      meta: { type: 'object', additionalProperties: true },
    },
    required: ['ok', 'data'],
  }
}

/** The JSON Schemas Fastify compiles once at boot for a route. */
export function fastifySchema(route: RouteDefinition): FastifyRouteOptions['schema'] {
  const out: Record<string, unknown> = {}
  for (const [part, fastifyName] of REQUEST_PARTS) {
    const schema = route.schema[part]
    if (schema !== undefined) out[fastifyName] = toJsonSchema(schema, 'input')
  }
  if (route.schema.response !== undefined) {
    out.response = { [route.status]: envelopeSchema(toJsonSchema(route.schema.response, 'output')) }
  }
  return out
}

async function runHandler(
  route: RouteDefinition,
  ctx: HttpContext,
  reply: FastifyReply,
): Promise<unknown> {
  const data = await route.handler(ctx)
  if (reply.sent) return reply
  if (reply.statusCode === 200 && route.status !== 200) void reply.code(route.status)
  return ok(data === undefined ? null : data)
}

/**
 * Registers one Mega route on a Fastify instance (already scoped to the app's prefix), with the
 * route-level hooks the request pipeline gives it (none when it needs none).
 */
export function mountRoute(
  fastify: FastifyInstance,
  route: RouteDefinition,
  scope: AppScope,
  hooksFor: RouteHooksFor,
): void {
  const config: MegaRouteConfig = { megaRouteName: route.name, megaScope: scope }
  const { context, preValidation, preHandler } = hooksFor(
    scope,
    route.before,
    runtimeParts(route.schema),
  )
  fastify.route({
    method: route.method,
    url: route.path,
    schema: fastifySchema(route),
    config,
    ...(preValidation === undefined ? {} : { preValidation }),
    ...(preHandler === undefined ? {} : { preHandler }),
    handler: (request: FastifyRequest, reply: FastifyReply) =>
      runHandler(route, context(request, reply), reply),
  })
}
