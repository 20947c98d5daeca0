import type { FastifyCorsOptions } from '@fastify/cors'
import type { FastifyHelmetOptions, fastifyHelmet } from '@fastify/helmet'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { MegaConfigError } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import { isUnderPath } from '../http/path-prefix.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import { sessionCookieKit } from '../sessions/sessions-plugin.js'

const origin = z.union([
  z.literal('*'),
  z.url({ message: 'an origin is a URL such as https://app.example.com' }),
  z.instanceof(RegExp),
])

const corsSchema = z
  .object({
    origin: z.union([origin, z.array(origin).min(1)]),
    credentials: z.boolean().default(false),
    methods: z.array(z.string().regex(/^[A-Z]+$/, 'an HTTP method in capitals')).optional(),
    allowedHeaders: z.array(z.string().min(1)).optional(),
    exposedHeaders: z.array(z.string().min(1)).optional(),
    maxAgeS: z.number().int().min(0).optional(),
  })
  .strict()
  .refine(
    (c) =>
      !(c.credentials && (c.origin === '*' || (Array.isArray(c.origin) && c.origin.includes('*')))),
    {
      message: 'credentials need explicit origins: browsers refuse "*" with credentials',
      path: ['origin'],
    },
  )

/** CSP keywords, nonces and hashes, which only work quoted (`'self'`). */
const KEYWORD =
  /^(none|self|strict-dynamic|report-sample|unsafe-[a-z-]+|wasm-unsafe-eval|inline-speculation-rules|nonce-.*|sha(256|384|512)-.*)$/

const source = z
  .string()
  .min(1)
  .regex(/^[^;,]+$/, 'a source has no ";" or ","')
  .refine((v) => !KEYWORD.test(v), 'quote keywords, nonces and hashes: "\'self\'"')

const directives = z.record(
  z.string().regex(/^[a-z][a-zA-Z0-9-]*$/, 'a directive name such as "script-src" (or scriptSrc)'),
  z.union([z.array(source), z.null()], {
    message: 'a list of sources (e.g. ["\'self\'"]), [] for a flag, or null to drop a default',
  }),
)

const policySchema = z
  .object({
    /** Directives over helmet's defaults; `null` drops a default. */
    directives: directives.optional(),
    /** Send `Content-Security-Policy-Report-Only` instead (reports, blocks nothing). */
    reportOnly: z.boolean().optional(),
  })
  .strict()

const prefix = z
  .string()
  .regex(/^\/[^?#]*$/, 'a path prefix starting with "/" such as "/docs" (no query)')
  .refine((p) => p === '/' || !p.endsWith('/'), 'write the prefix without a trailing "/"')

/**
 * `false`, or a value of `schema` whose issues keep their own paths (a plain union would report one
 * "invalid input" for the whole value).
 */
function offOr<T extends z.ZodType>(schema: T) {
  return z
    .custom<false | z.input<T>>(() => true)
    .transform((value, ctx) => {
      if (value === false) return false as const
      const result = schema.safeParse(value)
      if (result.success) return result.data
      for (const issue of result.error.issues)
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path })
      return z.NEVER
    })
}

const cspSchema = offOr(
  policySchema
    .extend({
      /** Per path prefix: a policy merged over the app-wide one, or `false` for none. */
      byPrefix: z.record(prefix, offOr(policySchema)).optional(),
    })
    .strict(),
)

const optionsSchema = z
  .object({
    headers: z
      .union([
        z.boolean(),
        z.custom<FastifyHelmetOptions>((v) => typeof v === 'object' && v !== null),
      ])
      .default(true),
    csp: cspSchema.optional(),
    noStore: z.boolean().default(true),
    cors: z.union([z.literal(false), corsSchema]).default(false),
  })
  .strict()
  .refine((o) => o.csp === undefined || !hasHelmetCsp(o.headers), {
    message: 'set the Content-Security-Policy with csp, not headers.contentSecurityPolicy',
    path: ['headers'],
  })

function hasHelmetCsp(headers: boolean | FastifyHelmetOptions): boolean {
  return typeof headers === 'object' && 'contentSecurityPolicy' in headers
}

type Resolved = z.output<typeof optionsSchema>
type Policy = z.output<typeof policySchema>
type Directives = Readonly<Record<string, readonly string[] | null>>

/** A compiled policy: the header to send and its value, or none. */
type CspHeader = { readonly name: string; readonly value: string } | null

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** `scriptSrc` → `script-src`, as helmet spells directives. */
function dashify(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

function normalize(d: Directives = {}): Record<string, string[] | null> {
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [dashify(k), v && [...v]]))
}

// helmet's own CSP builder, which @fastify/helmet re-exports on its plugin function.
type HelmetCsp = (typeof fastifyHelmet)['contentSecurityPolicy']

/** Builds a policy's header with helmet (its defaults, its checks of names and quoting). */
function compile(helmetCsp: HelmetCsp, policy: Policy, where: string): CspHeader {
  let header: CspHeader = null
  try {
    const middleware = helmetCsp({
      useDefaults: true,
      directives: normalize(policy.directives),
      reportOnly: policy.reportOnly ?? false,
    })
    const res = { setHeader: (name: string, value: string) => (header = { name, value }) }
    middleware({} as never, res as never, () => undefined)
  } catch (err) {
    throw new MegaConfigError('security options', [
      { path: `security options.${where}`, message: (err as Error).message },
    ])
  }
  return header
}

/** The policy of each prefix (longest first), then the app-wide one under `/`. */
function compilePolicies(
  helmetCsp: HelmetCsp,
  csp: Exclude<Resolved['csp'], false | undefined>,
): { prefix: string; header: CspHeader }[] {
  const { byPrefix = {}, ...base } = csp
  const compiled = Object.entries(byPrefix).map(([prefix, policy]) => ({
    prefix,
    header:
      policy === false
        ? null
        : compile(
            helmetCsp,
            {
              directives: { ...normalize(base.directives), ...normalize(policy.directives) },
              reportOnly: policy.reportOnly ?? base.reportOnly,
            },
            `csp.byPrefix["${prefix}"]`,
          ),
  }))
  compiled.sort((a, b) => b.prefix.length - a.prefix.length)
  return [...compiled, { prefix: '/', header: compile(helmetCsp, base, 'csp') }]
}

function installCsp(
  fastify: FastifyInstance,
  policies: readonly { prefix: string; header: CspHeader }[],
): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/'
    const header = policies.find((p) => isUnderPath(path, p.prefix))?.header
    if (header) void reply.header(header.name, header.value)
  })
}

/** Carries a session cookie (of `sessions()`) or an Authorization header, or sets a cookie. */
function isPrivate(
  fastify: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): boolean {
  if (UNSAFE.has(request.method) || request.headers.authorization !== undefined) return true
  if (reply.getHeader('set-cookie') !== undefined) return true
  const name = sessionCookieKit(fastify)?.cookieName
  const cookie = request.headers.cookie
  return (
    name !== undefined &&
    typeof cookie === 'string' &&
    cookie.split(';').some((part) => part.trim().startsWith(`${name}=`))
  )
}

function installNoStore(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (reply.getHeader('cache-control') === undefined && isPrivate(fastify, request, reply))
      void reply.header('cache-control', 'no-store')
    return payload
  })
}

/** Options of {@link security}. */
export type SecurityOptions = z.input<typeof optionsSchema>

/**
 * Security headers (`@fastify/helmet`: `Strict-Transport-Security`, `X-Content-Type-Options`...)
 * on every response; a `Content-Security-Policy` (helmet's defaults, changed with `csp.directives`)
 * with per-prefix overrides (`csp.byPrefix`); `Cache-Control: no-store` on private responses
 * (unsafe methods, an `Authorization` header or the session cookie in the request, a cookie set),
 * unless the handler set `Cache-Control`; and CORS (`@fastify/cors`) for the origins you list. CORS
 * is off until `cors` names origins: a browser on another origin gets no access by default.
 *
 * @example
 * defineConfig({
 *   plugins: [
 *     security({
 *       csp: { byPrefix: { '/embed': { directives: { 'frame-ancestors': ['https://partner.example'] } } } },
 *       cors: { origin: ['https://app.example.com'], credentials: true },
 *     }),
 *   ],
 * })
 */
export function security(options: SecurityOptions = {}): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'security options')
  return definePlugin({
    name: 'security',
    async setup(api) {
      const legacyCsp = hasHelmetCsp(o.headers)
      const csp = o.csp ?? (o.headers === false || legacyCsp ? false : {})
      if (o.headers !== false || csp !== false) {
        const { default: helmet } = await import('@fastify/helmet')
        if (csp !== false) {
          const { contentSecurityPolicy } = helmet as unknown as {
            contentSecurityPolicy: HelmetCsp
          }
          installCsp(api.fastify, compilePolicies(contentSecurityPolicy, csp))
        }
        if (o.headers !== false) {
          const options = o.headers === true ? {} : o.headers
          await api.fastify.register(
            helmet,
            legacyCsp ? options : { ...options, contentSecurityPolicy: false },
          )
        }
      }
      if (o.noStore) installNoStore(api.fastify)
      if (o.cors !== false) {
        const { default: cors } = await import('@fastify/cors')
        const { maxAgeS, ...rest } = o.cors
        const corsOptions: FastifyCorsOptions = {
          ...rest,
          origin:
            rest.origin === '*' ? '*' : Array.isArray(rest.origin) ? rest.origin : [rest.origin],
          ...(maxAgeS === undefined ? {} : { maxAge: maxAgeS }),
        }
        await api.fastify.register(cors, corsOptions)
      }
    },
  })
}
