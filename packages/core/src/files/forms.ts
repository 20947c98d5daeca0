import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'

const optionsSchema = z
  .object({
    bodyLimit: z.number().int().positive().optional(),
  })
  .strict()

/** Options of {@link forms}. */
export type FormsOptions = z.input<typeof optionsSchema>

/**
 * `application/x-www-form-urlencoded` bodies (`@fastify/formbody`), as an HTML `<form method="post">`
 * sends them. The fields become `ctx.body`, validated by the route's `body` schema like JSON; since
 * every value arrives as a string, numbers and booleans are coerced as in querystrings (`"42"` → 42,
 * `"true"` → true), and a repeated key is an array.
 *
 * @example
 * defineConfig({ plugins: [forms()] })
 * r.post('/subscribe', { schema: { body: z.object({ email: z.email(), weekly: z.boolean() }) } }, handler)
 */
export function forms(options: FormsOptions = {}): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'forms options')
  return definePlugin({
    name: 'forms',
    async setup(api) {
      const { default: formbody } = await import('@fastify/formbody')
      await api.fastify.register(
        formbody,
        o.bodyLimit === undefined ? {} : { bodyLimit: o.bodyLimit },
      )
    },
  })
}
