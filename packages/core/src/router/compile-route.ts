import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RouteOptions as FastifyRouteOptions,
} from 'fastify'
import type { z } from 'zod'
import type { MegaIssue } from '@mega/observe'
import { ValidationError } from '../errors.js'
import { HttpContext } from '../app/request-context.js'
import type { AppScope } from '../app/app-scope.js'
import { ok } from '../http/envelope.js'
import type { RouteDefinition, RouteSchema } from './route-types.js'
import { needsRuntimeZod, toJsonSchema, type JsonSchema } from './zod-json-schema.js'

/** Request parts in Fastify's names and ours. */
const PARTS = [
  ['params', 'params'],
  ['query', 'querystring'],
  ['body', 'body'],
  ['headers', 'headers'],
] as const

type Part = (typeof PARTS)[number][0]

interface RuntimePart {
  readonly part: Part
  readonly schema: z.ZodType
}

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
  for (const [part, fastifyName] of PARTS) {
    const schema = route.schema[part]
    if (schema !== undefined) out[fastifyName] = toJsonSchema(schema, 'input')
  }
  if (route.schema.response !== undefined) {
    out.response = { [route.status]: envelopeSchema(toJsonSchema(route.schema.response, 'output')) }
  }
  return out
}

function runtimeParts(schema: RouteSchema): RuntimePart[] {
  return PARTS.flatMap(([part]) => {
    const s = schema[part]
    return s !== undefined && needsRuntimeZod(s) ? [{ part, schema: s }] : []
  })
}

function zodIssues(error: z.ZodError, part: Part): MegaIssue[] {
  return error.issues.map((i) => ({
    path: [part, ...i.path.map(String)].join('.'),
    message: i.message,
  }))
}

async function parseRuntime(request: FastifyRequest, parts: readonly RuntimePart[]): Promise<void> {
  const issues: MegaIssue[] = []
  const target = request as unknown as Record<Part, unknown>
  for (const { part, schema } of parts) {
    const result = await schema.safeParseAsync(target[part])
    if (result.success) target[part] = result.data
    else issues.push(...zodIssues(result.error, part))
  }
  if (issues.length > 0) throw new ValidationError(issues)
}

async function runHandler(
  route: RouteDefinition,
  ctx: HttpContext,
  reply: FastifyReply,
): Promise<unknown> {
  for (const hook of route.before) {
    const identity = await hook(ctx)
    if (identity !== undefined) ctx.auth = identity
    if (reply.sent) return reply
  }
  const data = await route.handler(ctx)
  if (reply.sent) return reply
  if (reply.statusCode === 200 && route.status !== 200) void reply.code(route.status)
  return ok(data === undefined ? null : data)
}

/** Registers one Mega route on a Fastify instance (already scoped to the app's prefix). */
export function mountRoute(
  fastify: FastifyInstance,
  route: RouteDefinition,
  scope: AppScope,
): void {
  const runtime = runtimeParts(route.schema)
  fastify.route({
    method: route.method,
    url: route.path,
    schema: fastifySchema(route),
    config: { megaRouteName: route.name },
    ...(runtime.length === 0
      ? {}
      : { preHandler: (request: FastifyRequest) => parseRuntime(request, runtime) }),
    handler: (request, reply) => runHandler(route, new HttpContext(request, reply, scope), reply),
  })
}
