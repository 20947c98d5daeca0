import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import type { RequestContext } from '../app/request-context.js'
import { CORE_ERRORS } from '../errors.js'
import { isUnderPath } from '../http/path-prefix.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import type { MegaRouteConfig } from '../router/route-config.js'

const FORM_TYPE = 'application/x-www-form-urlencoded'

const prefixSchema = z
  .string()
  .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'must be a path starting with "/" (letters, digits, . _ ~ - /)')
  .refine((p) => p === '/' || !p.endsWith('/'), 'must not end with "/"')

const optionsSchema = z
  .object({
    bodyLimit: z.number().int().positive().optional(),
    prefix: z
      .union([prefixSchema, z.array(prefixSchema).min(1, 'list at least one prefix')])
      .optional(),
    routes: z
      .array(z.string().min(1, 'must not be empty'))
      .min(1, 'list at least one route name')
      .optional(),
  })
  .strict()

/** Options of {@link forms}. */
export type FormsOptions = z.input<typeof optionsSchema>

function isForm(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === FORM_TYPE
}

/**
 * The `onRequest` check of a scoped `forms()`: a form post to a route outside `prefixes` and
 * `routes` is a 415, as for any content type without a parser, before its body is read.
 */
function scopeCheck(prefixes: readonly string[], names: ReadonlySet<string>) {
  const where = [...prefixes, ...[...names].map((n) => `route ${n}`)].join(', ')
  return (ctx: RequestContext): void => {
    if (!isForm(ctx.request.headers['content-type'])) return
    const { url, config } = ctx.request.routeOptions
    if (url === undefined) return // no route: the 404 answers
    const name = (config as Partial<MegaRouteConfig> | undefined)?.megaRouteName
    if (prefixes.some((p) => isUnderPath(url, p)) || (name !== undefined && names.has(name))) return
    throw CORE_ERRORS.create('MEGA_UNSUPPORTED_MEDIA_TYPE', [where])
  }
}

/**
 * `application/x-www-form-urlencoded` bodies (`@fastify/formbody`), as an HTML `<form method="post">`
 * sends them. The fields become `ctx.body`, validated by the route's `body` schema like JSON; since
 * every value arrives as a string, numbers and booleans are coerced as in querystrings (`"42"` → 42,
 * `"true"` → true), and a repeated key is an array.
 *
 * A browser sends such a form cross-site without a CORS preflight, so limit it to the routes that
 * serve HTML forms: with `prefix` (`'/web'` or a list) and/or `routes` (route names), a form post to
 * any other route is a 415 `MEGA_UNSUPPORTED_MEDIA_TYPE`. Without either, every route takes forms.
 *
 * @example
 * defineConfig({ plugins: [forms({ prefix: '/web' })] })
 * r.post('/web/subscribe', { schema: { body: z.object({ email: z.email(), weekly: z.boolean() }) } }, handler)
 */
export function forms(options: FormsOptions = {}): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'forms options')
  const prefixes = o.prefix === undefined ? [] : [o.prefix].flat()
  const names = new Set(o.routes ?? [])
  return definePlugin({
    name: 'forms',
    async setup(api) {
      const { default: formbody } = await import('@fastify/formbody')
      await api.fastify.register(
        formbody,
        o.bodyLimit === undefined ? {} : { bodyLimit: o.bodyLimit },
      )
      if (prefixes.length > 0 || names.size > 0) api.hook('onRequest', scopeCheck(prefixes, names))
    },
  })
}
