import fastifyCookie, { Signer, type CookieSerializeOptions } from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import type { SessionAdapter } from '../adapters/adapter-types.js'
import { defineContextFeature } from '../app/context-features.js'
import { trustProxyOf } from '../http/trust-proxy.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import { bindingOf, isCurrent, rememberStore } from './principal.js'
import { MegaSession, newSessionId } from './session.js'
import { CORE_ERRORS } from '../errors.js'

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
    secure: z.union([z.boolean(), z.literal('auto')]).optional(),
    sameSite: z.enum(['lax', 'strict', 'none']).default('lax'),
    path: z.string().regex(/^\//, 'start with "/"').default('/'),
    domain: z.string().min(1).optional(),
  })
  .strict()
  .refine((o) => o.sameSite !== 'none' || (o.secure ?? defaultSecure()) === true, {
    message: 'sameSite "none" needs secure: true (browsers drop the cookie otherwise)',
    path: ['sameSite'],
  })
  .transform((o) => ({ ...o, secure: o.secure ?? defaultSecure() }))

/** `true` in production (a TLS proxy in front is the norm there), else `'auto'`. */
function defaultSecure(): boolean | 'auto' {
  return process.env.NODE_ENV === 'production' ? true : 'auto'
}

/** @internal What `csrf()` and `security()` need of the sessions plugin: its cookies. */
export interface SessionCookieKit {
  /** The session cookie's name. */
  readonly cookieName: string
  /** Signs and verifies cookie values with the sessions' `secret`. */
  readonly signer: Signer
  /** The session cookie's attributes for this request (`Secure` resolved), for `maxAgeMs`. */
  cookie(request: FastifyRequest, maxAgeMs: number): CookieSerializeOptions
  /** The session lifetime (`ttlMs`). */
  readonly ttlMs: number
}

const kits = new WeakMap<FastifyInstance, SessionCookieKit>()

/** @internal The sessions plugin's cookie kit on this server, if it is installed. */
export function sessionCookieKit(fastify: FastifyInstance): SessionCookieKit | undefined {
  return kits.get(fastify)
}

/**
 * @internal Responses that set a cookie must not be stored by shared caches (they would hand the
 * cookie to others): `Cache-Control: no-store` unless the handler chose a cache policy itself.
 */
export function noStoreUnlessSet(reply: FastifyReply): void {
  if (reply.getHeader('cache-control') === undefined) void reply.header('cache-control', 'no-store')
}

/** Options of {@link sessions}. */
export type SessionsOptions = z.input<typeof optionsSchema>

/** Where the plugin keeps the request's session (a property every request has, so one shape). */
const SESSION = 'megaSession'

interface WithSession {
  [SESSION]?: MegaSession | null
}

declare module '../app/request-context.js' {
  interface MegaContextFeatures {
    /** The request's session, with the `sessions()` plugin (loaded before `authenticate` hooks). */
    session: MegaSession
  }
}

const sessionFeature = defineContextFeature('session', {
  plugin: 'sessions',
  hint: 'add sessions({ secret }) to plugins in mega.config.ts, with a session adapter (e.g. adapters: { session: { driver: "memory", kind: "session" } }).',
})

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
 * // in a handler: ctx.session.login(user.id); when the user is deleted: await revokeSessions(ctx, id)
 */
export function sessions(options: SessionsOptions): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'sessions options')
  const signer = new Signer(o.secret)
  const cookie = (request: FastifyRequest, maxAgeMs: number): CookieSerializeOptions => ({
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
        throw CORE_ERRORS.create('MEGA_SESSION_STORE_INVALID', [
          `sessions: adapter "${o.adapter}" is not a session adapter: configure one with kind "session" (e.g. { driver: 'memory', kind: 'session' }).`,
        ])
      const { fastify } = api
      if (!fastify.hasReplyDecorator('setCookie')) await fastify.register(fastifyCookie)
      fastify.decorateRequest(SESSION, null)
      kits.set(fastify, { cookieName: o.cookieName, signer, cookie, ttlMs: o.ttlMs })
      if (o.secure === 'auto' && process.env.NODE_ENV === 'production' && !trustProxyOf(fastify))
        api.log.warn(
          'sessions: secure is "auto" but server.trustProxy is off: behind a TLS proxy every request looks like plain HTTP, so the session cookie is sent without Secure. Set server.trustProxy (the proxy hops or addresses), or leave secure out (true in production).',
        )

      // Sessions whose cookie was signed with an older secret: re-signed with the current one.
      const renew = new WeakSet<MegaSession>()
      // Fresh sessions that replace a revoked one: the dead cookie is cleared unless replaced.
      const revoked = new WeakSet<MegaSession>()
      // The stored data of a live session, or `undefined`; a session whose principal was revoked
      // since it was bound is destroyed here.
      const loadData = async (
        id: string,
      ): Promise<Record<string, unknown> | 'revoked' | undefined> => {
        const data = await store.get(id)
        const binding = data === undefined ? undefined : bindingOf(data)
        if (binding === undefined || (await isCurrent(store, binding))) return data
        await store.destroy(id)
        return 'revoked'
      }
      const load = async (request: FastifyRequest): Promise<MegaSession> => {
        const raw = request.cookies[o.cookieName]
        const unsigned = raw === undefined ? undefined : signer.unsign(raw)
        const id = unsigned?.valid === true ? unsigned.value : null
        const data = id === null ? undefined : await loadData(id)
        const live = typeof data === 'object'
        const session =
          id !== null && live
            ? new MegaSession(id, data)
            : new MegaSession(newSessionId(), undefined)
        if (unsigned?.renew === true && live) renew.add(session)
        if (data === 'revoked') revoked.add(session)
        rememberStore(session, store)
        return session
      }

      api.hook('onRequest', async (ctx) => {
        const session = await load(ctx.request)
        ;(ctx.request as WithSession)[SESSION] = session
        sessionFeature.set(ctx.request, session)
      })
      fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
        const session = (request as WithSession)[SESSION]
        if (session === null || session === undefined) return payload
        ;(request as WithSession)[SESSION] = null // saved once, even if onSend runs again
        const action = await session.save(store, o.ttlMs, o.rolling)
        if (action === 'clear' || (action === 'keep' && revoked.has(session))) {
          void reply.clearCookie(o.cookieName, cookie(request, 0))
          noStoreUnlessSet(reply)
        } else if (action === 'set' || renew.has(session)) {
          void reply.setCookie(o.cookieName, signer.sign(session.id), cookie(request, o.ttlMs))
          noStoreUnlessSet(reply)
        }
        return payload
      })
    },
  })
}
