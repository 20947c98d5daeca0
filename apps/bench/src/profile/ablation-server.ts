// Bare Fastify plus, step by step, what @mega/core adds to each request (copied from its source as of
// this benchmark), so the cost of each step can be measured on its own:
//   reqid    genReqId with randomUUID + an onRequest hook that sets x-request-id
//   ajv      Mega's Ajv options (allErrors, coerceTypes 'array', removeAdditional, useDefaults)
//   hooks    the pipeline's four async global hooks (onRequest, preValidation, preHandler, onResponse)
//   context  a per-request context object kept in a WeakMap, found through request.routeOptions
//   envelope the handler wrapped in an async runner that returns { ok: true, data }
// and one what-if, not a step of Mega:
//   ctxprop  the context kept on the request (a decorateRequest symbol) instead of in the WeakMap
// Usage: node dist/profile/ablation-server.js --steps reqid,hooks --port 4000
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import { announce, argValue } from '../servers/server-ipc.js'
import {
  USER_BODY_JSON_SCHEMA,
  USER_RESPONSE_JSON_SCHEMA,
  type UserBody,
} from '../servers/user-payload.js'

const steps = new Set(argValue('steps', '').split(',').filter(Boolean))
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/

const options: FastifyServerOptions = { logger: false }
if (steps.has('reqid')) {
  options.requestIdHeader = false
  options.genReqId = (req) => {
    const h = req.headers['x-request-id']
    return typeof h === 'string' && REQUEST_ID_RE.test(h) ? h : randomUUID()
  }
}
if (steps.has('ajv'))
  options.ajv = {
    customOptions: {
      allErrors: true,
      coerceTypes: 'array',
      removeAdditional: true,
      useDefaults: true,
    },
  }
const app = Fastify(options)

if (steps.has('reqid'))
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id)
    done()
  })

class Context {
  auth: unknown = undefined
  constructor(
    readonly request: FastifyRequest,
    readonly reply: FastifyReply,
    readonly scope: unknown,
  ) {}
}
const contexts = new WeakMap<FastifyRequest, Context>()
const CTX = Symbol('ctx')
type WithCtx = FastifyRequest & { [CTX]?: Context }
if (steps.has('ctxprop')) app.decorateRequest(CTX, undefined)
const routeConfig = (request: FastifyRequest) =>
  request.routeOptions.config as { scope?: unknown; before?: unknown[]; runtime?: unknown[] }
const context = (request: FastifyRequest, reply: FastifyReply): Context | undefined => {
  if (!steps.has('context')) return undefined
  if (steps.has('ctxprop'))
    return ((request as WithCtx)[CTX] ??= new Context(request, reply, routeConfig(request).scope))
  let ctx = contexts.get(request)
  if (ctx === undefined) {
    ctx = new Context(request, reply, routeConfig(request).scope)
    contexts.set(request, ctx)
  }
  return ctx
}

if (steps.has('hooks')) {
  const none: ((ctx: unknown) => unknown)[] = []
  app.addHook('onRequest', async (request, reply) => {
    for (const hook of none) await hook(context(request, reply))
  })
  app.addHook('preValidation', async (request, reply) => {
    const c = context(request, reply)
    for (const hook of [...none, ...(routeConfig(request).before ?? [])])
      await (hook as (typeof none)[0])(c)
  })
  app.addHook('preHandler', async (request, reply) => {
    const runtime = routeConfig(request).runtime
    if (runtime !== undefined && runtime.length > 0) throw new Error('unexpected')
    for (const hook of none) await hook(context(request, reply))
  })
  app.addHook('onResponse', async (request, reply) => {
    const info = { statusCode: reply.statusCode, durationMs: reply.elapsedTime }
    for (const hook of none) await hook([context(request, reply), info])
  })
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown
const wrap = (handler: Handler, status: number): Handler => {
  if (!steps.has('envelope')) return handler
  return async (request, reply) => {
    context(request, reply)
    const data = await handler(request, reply)
    if (reply.statusCode === 200 && status !== 200) void reply.code(status)
    return { ok: true, data }
  }
}
const envelope = (data: object) =>
  steps.has('envelope')
    ? { type: 'object', properties: { ok: { type: 'boolean' }, data }, required: ['ok', 'data'] }
    : data

let nextId = 0
const config = { scope: {}, before: [], runtime: [] }
app.get(
  '/',
  { config },
  wrap(async () => ({ hello: 'world' }), 200),
)
app.post(
  '/users',
  {
    config,
    schema: { body: USER_BODY_JSON_SCHEMA, response: { 201: envelope(USER_RESPONSE_JSON_SCHEMA) } },
  },
  wrap(async (request, reply) => {
    if (!steps.has('envelope')) void reply.code(201)
    return { id: ++nextId, ...(request.body as UserBody) }
  }, 201),
)

announce(await app.listen({ port: Number(argValue('port', '0')), host: '127.0.0.1' }))
