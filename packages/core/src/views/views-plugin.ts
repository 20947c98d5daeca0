import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import { defineContextFeature } from '../app/context-features.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import { CORE_ERRORS } from '../errors.js'

const optionsSchema = z
  .object({
    dir: z
      .string()
      .min(1)
      .default(join('apps', 'main', 'views')),
    layout: z.string().min(1).optional(),
    defaults: z.record(z.string(), z.unknown()).default({}),
    cache: z.boolean().optional(),
  })
  .strict()

/** Options of {@link views}. */
export type ViewsOptions = z.input<typeof optionsSchema>

/** Renders a view into HTML for this reply. */
type ViewRenderer = (reply: FastifyReply, name: string, data: object) => Promise<string>

declare module '../app/request-context.js' {
  interface MegaContextFeatures {
    /**
     * Renders a view (the `views()` plugin) and answers it as `text/html`; return its result from
     * the handler: `return ctx.render('posts/index', { posts })`.
     */
    render(name: string, data?: object): Promise<FastifyReply>
  }
}

const renderFeature = defineContextFeature('render', {
  plugin: 'views',
  hint: "add views({ dir: 'apps/main/views' }) to plugins in mega.config.ts.",
})

const NAME = /^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9_/.-]*$/

/**
 * Server-rendered HTML with EJS templates (`@fastify/view`): `return ctx.render('posts/index',
 * { posts })` answers `text/html` instead of the JSON envelope. `<%= value %>` escapes HTML; `<%- %>`
 * inserts raw HTML (for partials: `<%- include('partials/nav') %>`). With `layout`, every page is
 * rendered inside it as `body`.
 *
 * @example
 * defineConfig({ plugins: [views({ dir: 'apps/main/views', layout: 'layout.ejs' })] })
 */
export function views(options: ViewsOptions = {}): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'views options')
  return definePlugin({
    name: 'views',
    async setup(api) {
      const root = resolve(o.dir)
      if (!existsSync(root) || !statSync(root).isDirectory())
        throw CORE_ERRORS.create('MEGA_VIEWS_DIR_MISSING', [root, process.cwd()])
      if (o.layout !== undefined && !existsSync(join(root, o.layout)))
        throw CORE_ERRORS.create(
          'MEGA_VIEW_NOT_FOUND',
          [`views: the layout ${o.layout} is not in ${root}.`],
          { details: { view: o.layout } },
        )
      // ejs ships no type declarations; @fastify/view only hands the module to its engine table.
      const ejsModule = 'ejs'
      const [{ default: fastifyView }, ejsNamespace] = await Promise.all([
        import('@fastify/view'),
        import(ejsModule) as Promise<{ default?: unknown }>,
      ])
      // Node gives ejs 7's ESM build as { default }; vitest merges the default into the namespace,
      // which hid this in tests: take the default when there is one.
      const ejs = ejsNamespace.default ?? ejsNamespace
      await api.fastify.register(fastifyView, {
        engine: { ejs },
        root,
        viewExt: 'ejs',
        defaultContext: o.defaults,
        production: o.cache ?? process.env.NODE_ENV === 'production',
        ...(o.layout === undefined ? {} : { layout: o.layout }),
      })
      const notFound = (name: string) =>
        CORE_ERRORS.create(
          'MEGA_VIEW_NOT_FOUND',
          [
            `No view "${name}" in ${root}: add ${name}.ejs there, or fix the name given to ctx.render().`,
          ],
          { details: { view: name } },
        )
      // The file system is asked only when rendering failed, never on the way of a page that renders.
      const render: ViewRenderer = async (reply, name, data) => {
        if (!NAME.test(name)) throw notFound(name)
        try {
          return await (
            reply as unknown as { viewAsync: (n: string, d: object) => Promise<string> }
          ).viewAsync(name, data)
        } catch (err) {
          if (!existsSync(join(root, name.endsWith('.ejs') ? name : `${name}.ejs`)))
            throw notFound(name)
          throw err
        }
      }
      renderFeature.provide(api.fastify, ({ reply }) => async (name, data = {}) => {
        const html = await render(reply, name, data)
        return reply.type('text/html; charset=utf-8').send(html)
      })
    },
  })
}

/**
 * `true` when the client asks for HTML first (a browser: `Accept: text/html,...`), so one route can
 * answer a page to browsers and the JSON envelope to API clients and `fetch` (any type, or JSON).
 *
 * @example
 * index: action({}, async (ctx) => {
 *   const page = await ctx.services.post.list(ctx.query)
 *   return wantsHtml(ctx) ? ctx.render('posts/index', { page }) : page
 * })
 */
export function wantsHtml(ctx: {
  readonly request: { readonly headers: Readonly<Record<string, unknown>> }
}): boolean {
  const accept = ctx.request.headers.accept
  if (typeof accept !== 'string') return false
  const html = accept.indexOf('text/html')
  const json = accept.indexOf('application/json')
  return html !== -1 && (json === -1 || html < json)
}
