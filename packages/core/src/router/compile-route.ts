import type {
  FastifyContextConfig,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RouteOptions as FastifyRouteOptions,
} from 'fastify'
import type { MegaIssue } from '@mega/observe'
import type { AppScope } from '../app/app-scope.js'
import { ok } from '../http/envelope.js'
import type { HttpContext } from '../app/request-context.js'
import type { RouteHooks } from '../pipeline/request-pipeline.js'
import { ForbiddenError } from '../errors.js'
import type { BeforeHook, RouteDefinition } from './route-types.js'
import type { MegaRouteConfig } from './route-config.js'
import {
  REQUEST_PARTS,
  refusedPartIssues,
  runtimeParts,
  zodIssues,
  type RuntimePart,
} from './runtime-validation.js'
import { toJsonSchema, type JsonSchema } from './zod-json-schema.js'

/** Gives the route's hooks from its app scope, `before` hooks and runtime zod parts. */
export type RouteHooksFor = (
  scope: AppScope,
  before: RouteDefinition['before'],
  runtime: readonly RuntimePart[],
) => RouteHooks

const DATA_REF = '#/definitions/MegaData'

/** The schema with its self-references (`$ref: '#'`) pointed at `to`. */
function retarget(node: unknown, to: string): unknown {
  if (Array.isArray(node)) return node.map((n) => retarget(n, to))
  if (typeof node !== 'object' || node === null) return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node))
    out[key] = key === '$ref' && value === '#' ? to : retarget(value, to)
  return out
}

// A recursive or `.meta({ id })` schema refers to its parts from the root of the schema
// (`#/definitions/...`, or `#` for itself); once `data` sits inside the envelope, the envelope is the
// root: the definitions move up to it, and a self-referencing schema becomes one of them.
function envelopeSchema(data: JsonSchema): JsonSchema {
  const { definitions, $defs, ...inner } = data
  const recursive = JSON.stringify(inner).includes('"$ref":"#"')
  const defs = {
    ...(definitions as JsonSchema | undefined),
    ...(recursive ? { MegaData: retarget(inner, DATA_REF) } : {}),
  }
  return {
    type: 'object',
    properties: {
      ok: { type: 'boolean' },
      data: recursive ? { $ref: DATA_REF } : inner,
      meta: { type: 'object', additionalProperties: true },
    },
    required: ['ok', 'data'],
    ...(Object.keys(defs).length === 0 ? {} : { definitions: defs }),
    ...($defs === undefined ? {} : { $defs }),
  }
}

/**
 * The route's `before` hooks, then one hook running its authorization checks in order (outermost
 * group first): all run before validation, so a caller who may not use the route gets a 403, never a
 * 422 describing the body.
 */
function guardsOf(route: RouteDefinition): readonly BeforeHook[] {
  const checks = route.authorize ?? []
  if (checks.length === 0) return route.before
  const authorize: BeforeHook = async (ctx) => {
    for (const check of checks) if ((await check(ctx)) !== true) throw new ForbiddenError()
  }
  return [...route.before, authorize]
}

// Fastify matches header names in lower case and lower-cases a header schema's keys for its own
// compiler; Mega's compiler (one Ajv per part) gets the schema as is, so it is lower-cased here.
function lowerCaseHeaders(schema: JsonSchema): JsonSchema {
  const properties = schema.properties as Record<string, unknown> | undefined
  const required = schema.required as string[] | undefined
  return {
    ...schema,
    ...(properties === undefined
      ? {}
      : {
          properties: Object.fromEntries(
            Object.entries(properties).map(([k, v]) => [k.toLowerCase(), v]),
          ),
        }),
    ...(required === undefined ? {} : { required: required.map((k) => k.toLowerCase()) }),
  }
}

/** The JSON Schemas Fastify compiles once at boot for a route. */
export function fastifySchema(route: RouteDefinition): FastifyRouteOptions['schema'] {
  const out: Record<string, unknown> = {}
  for (const [part, fastifyName] of REQUEST_PARTS) {
    const schema = route.schema[part]
    if (schema === undefined) continue
    const json = toJsonSchema(schema, 'input', part !== 'body')
    out[fastifyName] = part === 'headers' ? lowerCaseHeaders(json) : json
  }
  if (route.schema.response !== undefined) {
    out.response = { [route.status]: envelopeSchema(toJsonSchema(route.schema.response, 'output')) }
  }
  return out
}

/** The first message of each field, keyed by its name without the request part (`body.title` → `title`). */
export function fieldMessages(issues: readonly MegaIssue[]): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const { path, message } of issues) {
    const field = path.replace(/^(body|query|params|headers)(\.|$)/, '').split(/[.[]/)[0] || 'form'
    fields[field] ??= message
  }
  return fields
}

async function runHandler(
  route: RouteDefinition,
  ctx: HttpContext,
  reply: FastifyReply,
): Promise<unknown> {
  const data = await route.handler(ctx)
  // The handler answered itself (ctx.render, reply.redirect): returning the reply (a thenable) waits
  // until it is out, even while async onSend hooks (the session save) are still running.
  if (data === reply || reply.sent) return reply
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
  const runtime = runtimeParts(route.schema)
  const { context, preValidation, preHandler } = hooksFor(scope, guardsOf(route), runtime)
  const onInvalid = route.onInvalid
  const config: MegaRouteConfig = {
    megaRouteName: route.name,
    megaScope: scope,
    megaRoute: route,
    ...(runtime.length === 0
      ? {}
      : {
          megaRefusedIssues: (request: FastifyRequest, part: string | undefined) =>
            refusedPartIssues(request, runtime, part),
        }),
    ...(onInvalid === undefined
      ? {}
      : {
          megaOnInvalid: async (
            request: FastifyRequest,
            reply: FastifyReply,
            issues: readonly MegaIssue[],
          ) => {
            // The schema's own messages when it is the input at fault; else (a service's 422) the
            // issues as thrown.
            const own = await zodIssues(request, route.schema)
            const shown = own.length > 0 ? own : issues
            return onInvalid(context(request, reply), {
              issues: shown,
              fields: fieldMessages(shown),
            })
          },
        }),
  }

  fastify.route({
    method: route.method,
    url: route.path,
    schema: fastifySchema(route),
    // Typed as Fastify's route config, which plugins augment (`@fastify/multipart` adds
    // `multipartOptions`): a config with none of their keys would not be assignable otherwise.
    config: config as FastifyContextConfig,
    ...(preValidation === undefined ? {} : { preValidation }),
    ...(preHandler === undefined ? {} : { preHandler }),
    handler: (request: FastifyRequest, reply: FastifyReply) =>
      runHandler(route, context(request, reply), reply),
  })
}
