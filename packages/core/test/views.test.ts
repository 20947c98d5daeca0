import { describe, expect, it } from 'vitest'
import type { MegaError } from '@mega/observe'
import { createApp, defineRoutes, views, wantsHtml } from '../src/index.js'
import { run } from '@mega/test-utils'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()
const dir = new URL('./fixtures/views', import.meta.url).pathname
const packageDir = new URL('..', import.meta.url).pathname

const routes = defineRoutes((r) => {
  r.get('/posts', (ctx) =>
    ctx.render('posts/index', {
      title: 'Posts',
      posts: [{ title: 'First' }, { title: '<script>alert(1)</script>' }],
    }),
  )
  r.get('/json', () => ({ still: 'json' }))
  r.get('/missing', (ctx) => ctx.render('nope/index', { title: 'x' }))
  r.get('/escape', (ctx) => ctx.render('../package', {}))
})

describe('views', () => {
  it('renders EJS inside the layout with partials and defaults, escaping values, as text/html', async () => {
    const server = track(
      createApp({
        routes,
        plugins: [views({ dir, layout: 'layout.ejs', defaults: { site: 'Mega blog' } })],
      }),
    )
    const res = await server.inject('/posts')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toContain('<title>Posts</title>')
    expect(res.body).toContain('<nav>Mega blog</nav>')
    expect(res.body).toContain('<li>First</li>')
    expect(res.body).toContain('<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>')
    expect(res.body).not.toContain('<script>')
    expect((await server.inject('/json')).json()).toEqual({ ok: true, data: { still: 'json' } })
  })

  it('names a missing view, and never reads outside the views folder', async () => {
    const server = track(createApp({ routes, plugins: [views({ dir })] }))
    const missing = await server.inject('/missing')
    expect(missing.statusCode).toBe(500)
    expect(missing.json().error).toMatchObject({
      code: 'MEGA_VIEW_NOT_FOUND',
      details: { view: 'nope/index' },
    })
    const escape = await server.inject('/escape')
    expect(escape.json().error.code).toBe('MEGA_VIEW_NOT_FOUND')
  })

  it('refuses a missing folder or layout at start, and explains ctx.render without the plugin', async () => {
    for (const [plugin, code] of [
      [views({ dir: `${dir}/none` }), 'MEGA_VIEWS_DIR_MISSING'],
      [views({ dir, layout: 'shell.ejs' }), 'MEGA_VIEW_NOT_FOUND'],
    ] as const) {
      const server = track(createApp({ routes, plugins: [plugin] }))
      const failed = await server.ready().catch((err: unknown) => err as MegaError)
      expect((failed as MegaError).cause).toMatchObject({ code })
    }
    const bare = track(createApp({ routes }))
    const res = await bare.inject('/posts')
    expect(res.statusCode).toBe(500)
    expect(res.json().error.code).toBe('MEGA_CONTEXT_FEATURE_MISSING')
    expect(res.json().error.message).toContain('ctx.render needs the views plugin: add views({')
    expect(() => views({ dir: '' })).toThrow(
      expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }),
    )
  })

  it('tells browsers (HTML first) from API clients', () => {
    const ctx = (accept?: string) => ({
      request: { headers: accept === undefined ? {} : { accept } },
    })
    expect(wantsHtml(ctx('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'))).toBe(
      true,
    )
    expect(wantsHtml(ctx('application/json, text/html'))).toBe(false)
    expect(wantsHtml(ctx('*/*'))).toBe(false)
    expect(wantsHtml(ctx())).toBe(false)
  })

  it('renders in a plain Node process too (the built package, no test runner in between)', async () => {
    const script = [
      "import { createApp, defineRoutes, views } from './dist/index.js'",
      `const dir = ${JSON.stringify(dir)}`,
      "const routes = defineRoutes((r) => r.get('/', (ctx) => ctx.render('plain', { name: 'Node' })))",
      'const server = createApp({ routes, plugins: [views({ dir })] })',
      "const res = await server.inject('/')",
      'console.log(res.statusCode, res.body)',
      'await server.close()',
    ].join('\n')
    const out = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
    })
    expect(out.trim()).toBe('200 <p>Hello, Node!</p>')
  })
})
