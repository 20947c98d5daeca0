import type { FastifyCorsOptions } from '@fastify/cors'
import type { FastifyHelmetOptions } from '@fastify/helmet'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'

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

const optionsSchema = z
  .object({
    headers: z
      .union([
        z.boolean(),
        z.custom<FastifyHelmetOptions>((v) => typeof v === 'object' && v !== null),
      ])
      .default(true),
    cors: z.union([z.literal(false), corsSchema]).default(false),
  })
  .strict()

/** Options of {@link security}. */
export type SecurityOptions = z.input<typeof optionsSchema>

/**
 * Security headers (`@fastify/helmet`: `Strict-Transport-Security`, `X-Content-Type-Options`,
 * `Content-Security-Policy`...) on every response, and CORS (`@fastify/cors`) for the origins you
 * list. CORS is off until `cors` names origins: a browser on another origin gets no access by default.
 *
 * @example
 * defineConfig({
 *   plugins: [security({ cors: { origin: ['https://app.example.com'], credentials: true } })],
 * })
 */
export function security(options: SecurityOptions = {}): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'security options')
  return definePlugin({
    name: 'security',
    async setup(api) {
      if (o.headers !== false) {
        const { default: helmet } = await import('@fastify/helmet')
        await api.fastify.register(helmet, o.headers === true ? {} : o.headers)
      }
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
