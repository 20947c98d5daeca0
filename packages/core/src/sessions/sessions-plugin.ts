import fastifyCookie, { Signer } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { MegaError } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import type { SessionAdapter } from '../adapters/adapter-types.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import { MegaSession, newSessionId } from './session.js'

const secret = z
  .string()
  .min(32, 'use at least 32 characters (e.g. openssl rand -base64 48)')
  .refine((s) => s.trim() === s, 'must not start or end with spaces')

const optionsSchema = z
  .object({
    adapter: z.string().min(1).default('session'),
    secret: z.union([secret, z.array(secret).min(1, 'give at least one secret')]),
    cookieName: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a cookie name is a token: letters, digits, -._')
      .default('mega.sid'),
    ttlMs: z
      .number()
      .int()
      .min(1000, 'at least 1000 ms')
      .default(24 * 60 * 60 * 1000),
    rolling: z.boolean().default(true),
    secure: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    sameSite: z.enum(['lax', 'strict', 'none']).default('lax'),
    path: z.string().regex(/^\//, 'start with "/"').default('/'),
    domain: z.string().min(1).optional(),
  })
  .strict()
  .refine((o) => o.sameSite !== 'none' || o.secure === true, {
    message: 'sameSite "none" needs secure: true (browsers drop the cookie otherwise)',
    path: ['sameSite'],
  })

/** Options of {@link sessions}. */
export type SessionsOptions = z.input<typeof optionsSchema>

/** Where the plugin keeps the request's session (a property every request has, so one shape). */
const SESSION = 'megaSession'

interface WithSession {
  [SESSION]?: MegaSession | null
}

function isSessionAdapter(value: unknown): value is SessionAdapter {
  const a = value as Partial<SessionAdapter> | undefined
  return a?.kind === 'session' && typeof a.get === 'function' && typeof a.set === 'function'
}

/**
 * Cookie sessions stored in a session adapter (`memory`, or `redis`/`file` from `@mega/db`, so every
 * worker of a cluster shares them). The cookie carries only the session id, signed with `secret` (an
 * array rotates keys: the first signs, all verify, and a cookie signed with an old key is re-signed).
 * The session is loaded before `authenticate` hooks, so they can read it; changes are saved when the
 * response is sent. A request without a cookie costs no store access, and nothing is stored until the
 * session is written.
 *
 * @example
 * defineConfig({
 *   adapters: { session: { driver: 'redis', kind: 'session', url: env('REDIS_URL') } },
 *   plugins: [sessions({ secret: env('SESSION_SECRET') })],
 * })
 * // in a handler: ctx.session.regenerate().set('userId', user.id)
 */
export function sessions(options: SessionsOptions): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'sessions options')
  const signer = new Signer(o.secret)
  const cookie = (request: FastifyRequest, maxAgeMs: number) => ({
    path: o.path,
    httpOnly: true,
    sameSite: o.sameSite,
    secure: o.secure === 'auto' ? request.protocol === 'https' : o.secure,
    maxAge: Math.floor(maxAgeMs / 1000),
    ...(o.domain === undefined ? {} : { domain: o.domain }),
  })

  return definePlugin({
    name: 'sessions',
    async setup(api) {
      const store = api.adapter(o.adapter)
      if (!isSessionAdapter(store))
        throw new MegaError(
          'MEGA_SESSION_STORE_INVALID',
          `sessions: adapter "${o.adapter}" is not a session adapter: configure one with kind "session" (e.g. { driver: 'memory', kind: 'session' }).`,
        )
      const { fastify } = api
      if (!fastify.hasReplyDecorator('setCookie')) await fastify.register(fastifyCookie)
      fastify.decorateRequest(SESSION, null)

      // Sessions whose cookie was signed with an older secret: re-signed with the current one.
      const renew = new WeakSet<MegaSession>()
      const load = async (request: FastifyRequest): Promise<MegaSession> => {
        const raw = request.cookies[o.cookieName]
        const unsigned = raw === undefined ? undefined : signer.unsign(raw)
        const id = unsigned?.valid === true ? unsigned.value : null
        const data = id === null ? undefined : await store.get(id)
        const session =
          id !== null && data !== undefined
            ? new MegaSession(id, data)
            : new MegaSession(newSessionId(), undefined)
        if (unsigned?.renew === true && data !== undefined) renew.add(session)
        return session
      }

      api.hook('onRequest', async (ctx) => {
        const session = await load(ctx.request)
        ;(ctx.request as WithSession)[SESSION] = session
        ctx.session = session
      })
      fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
        const session = (request as WithSession)[SESSION]
        if (session === null || session === undefined) return payload
        ;(request as WithSession)[SESSION] = null // saved once, even if onSend runs again
        const action = await session.save(store, o.ttlMs, o.rolling)
        if (action === 'clear') void reply.clearCookie(o.cookieName, cookie(request, 0))
        else if (action === 'set' || renew.has(session))
          void reply.setCookie(o.cookieName, signer.sign(session.id), cookie(request, o.ttlMs))
        return payload
      })
    },
  })
}
