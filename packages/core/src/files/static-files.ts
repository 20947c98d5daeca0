import { statSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

const optionsSchema = z
  .object({
    root: z
      .union([z.string(), z.instanceof(URL)])
      .transform((r) => (r instanceof URL ? fileURLToPath(r) : r))
      .refine(isAbsolute, {
        message: 'an absolute path (path.resolve(...) or new URL(..., import.meta.url))',
        abort: true,
      })
      .refine(isDirectory, 'an existing directory'),
    prefix: z
      .string()
      .regex(/^\/[\w\-./]*$/, 'a URL path starting with "/"')
      .refine((p) => !p.split('/').includes('..'), 'no ".." segments')
      .default('/'),
    maxAgeS: z.number().int().min(0).default(0),
    immutable: z.boolean().default(false),
  })
  .strict()
  .refine((o) => !o.immutable || o.maxAgeS > 0, {
    message:
      'immutable needs a maxAgeS above 0 (an immutable file that expires at once is pointless)',
    path: ['immutable'],
  })

/** Options of {@link staticFiles}. */
export type StaticFilesOptions = z.input<typeof optionsSchema>

/**
 * Serves the files under `root` at `prefix` (`@fastify/static`): `ETag`, `Last-Modified`, ranges, and
 * `Cache-Control: public, max-age=<maxAgeS>` (plus `immutable` for fingerprinted assets). A missing
 * file is the usual 404 envelope; paths never leave `root`. Add it once per folder: each instance is
 * named after its prefix (`static/assets`).
 *
 * @example
 * defineConfig({
 *   plugins: [
 *     staticFiles({ root: new URL('./public', import.meta.url) }),
 *     staticFiles({ root: '/srv/app/dist/assets', prefix: '/assets', maxAgeS: 31_536_000, immutable: true }),
 *   ],
 * })
 */
export function staticFiles(options: StaticFilesOptions): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'staticFiles options')
  return definePlugin({
    name: `static${o.prefix.replace(/\/+$/, '')}`,
    async setup(api) {
      const { default: fastifyStatic } = await import('@fastify/static')
      await api.fastify.register(fastifyStatic, {
        root: o.root,
        prefix: o.prefix,
        decorateReply: !api.fastify.hasReplyDecorator('sendFile'),
        cacheControl: true,
        maxAge: o.maxAgeS * 1000,
        immutable: o.immutable,
      })
    },
  })
}
