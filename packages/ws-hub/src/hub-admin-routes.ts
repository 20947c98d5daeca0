import { z } from 'zod'
import { defineRoutes, type RequestContext, type RouteTable } from '@mega/core'
import { hubError } from './errors.js'
import { bearerToken, tokenChecker } from './internal/token-check.js'
import type {
  HubBridgeInfo,
  HubDisconnectOptions,
  HubDisconnectTarget,
  HubMemberFilter,
  HubMemberInfo,
} from './hub-types.js'

/** What the admin routes call on the hub. */
export interface HubAdminTarget {
  bridges(): HubBridgeInfo[]
  members(filter?: HubMemberFilter): HubMemberInfo[]
  disconnect(target: HubDisconnectTarget, options?: HubDisconnectOptions): number
  drain(instanceId: string, reason?: string): void
}

const id = z.string().min(1).max(128)
// One object with both fields rather than a union of two: Fastify's Ajv strips unknown properties
// (removeAdditional) while it tries the first anyOf branch, so a union of strict objects refuses the
// second shape. "Exactly one" is checked by zod at request time.
const disconnectBody = z.strictObject({
  target: z
    .strictObject({ connId: id.optional(), userId: z.string().min(1).max(256).optional() })
    .refine((t) => (t.connId === undefined) !== (t.userId === undefined), {
      message: 'give exactly one of connId and userId',
    }),
  requeue: z.boolean().optional(),
  reason: z.string().max(123).optional(),
})

function requireAdmin(adminToken: string): (ctx: RequestContext) => void {
  const accepts = tokenChecker([adminToken])
  return (ctx) => {
    const token = bearerToken(ctx.request.headers.authorization)
    if (token !== undefined && accepts(token)) return
    void ctx.reply.header('www-authenticate', 'Bearer')
    throw hubError(
      'MEGA_WS_HUB_ADMIN_UNAUTHORIZED',
      'The hub admin API needs its token: send Authorization: Bearer <admin token> (--admin-token).',
    )
  }
}

/**
 * The admin API under `/admin`, every route behind the admin bearer token: list bridges and
 * members, disconnect clients (with or without requeue), drain a bridge.
 */
export function hubAdminRoutes(hub: HubAdminTarget, adminToken: string): RouteTable {
  return defineRoutes((r) => {
    r.group({ prefix: '/admin', before: [requireAdmin(adminToken)] }, (r) => {
      r.get('/bridges', { summary: 'The registered bridges' }, () => ({ bridges: hub.bridges() }))
      r.get(
        '/connections',
        {
          summary: 'The presence members the bridges reported',
          schema: { query: z.strictObject({ ns: id.optional(), userId: id.optional() }) },
        },
        (ctx) => ({ members: hub.members(ctx.query) }),
      )
      r.post(
        '/disconnect',
        {
          summary: 'Close client connections through every bridge',
          schema: { body: disconnectBody },
        },
        (ctx) => {
          const { target, ...options } = ctx.body
          const which =
            target.connId === undefined
              ? { userId: target.userId ?? '' }
              : { connId: target.connId }
          return { bridges: hub.disconnect(which, options) }
        },
      )
      r.post(
        '/bridges/:id/drain',
        {
          summary: 'Ask a bridge to requeue its clients (4503)',
          schema: {
            params: z.strictObject({ id }),
            body: z.strictObject({ reason: z.string().max(123).optional() }).optional(),
          },
        },
        (ctx) => {
          hub.drain(ctx.params.id, ctx.body?.reason)
          return { drained: ctx.params.id }
        },
      )
    })
  })
}
