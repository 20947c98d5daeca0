import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { createApp, defineRoutes, staticFiles, type StaticFilesOptions } from '../src/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()
let site: string
let root: string
let assets: string

beforeAll(async () => {
  site = await mkdtemp(join(tmpdir(), 'mega-static-test-'))
  root = join(site, 'public')
  assets = join(site, 'assets')
  await mkdir(root)
  await mkdir(assets)
  await writeFile(join(root, 'hello.txt'), 'hello')
  await writeFile(join(root, 'index.html'), '<h1>home</h1>')
  await writeFile(join(site, 'secret.txt'), 'not public')
  await writeFile(join(assets, 'app.3f9a.js'), 'console.log(1)')
})
afterAll(async () => {
  await rm(site, { recursive: true, force: true })
})

const routes = defineRoutes((r) => r.get('/api/ping', () => 'pong'))

function app() {
  return track(
    createApp({
      routes,
      plugins: [
        staticFiles({ root: pathToFileURL(root), maxAgeS: 60 }),
        staticFiles({ root: assets, prefix: '/assets', maxAgeS: 31_536_000, immutable: true }),
      ],
    }),
  )
}

describe('staticFiles', () => {
  it('serves files with cache headers, next to the routes', async () => {
    const server = app()
    expect(server.plugins).toEqual(['static', 'static/assets'])
    const res = await server.inject('/hello.txt')
    expect([res.statusCode, res.body]).toEqual([200, 'hello'])
    expect(res.headers['cache-control']).toBe('public, max-age=60')
    expect(res.headers.etag).toBeDefined()
    const asset = await server.inject('/assets/app.3f9a.js')
    expect(asset.statusCode).toBe(200)
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect((await server.inject('/')).body).toBe('<h1>home</h1>')
    expect((await server.inject('/api/ping')).json().data).toBe('pong')
  })

  it('answers a missing file with the 404 envelope', async () => {
    const res = await app().inject('/missing.txt')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'MEGA_ROUTE_NOT_FOUND' } })
  })

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%252e%252e/secret.txt',
    '/assets/..%252f..%252fsecret.txt',
    '/assets/..%255c..%255csecret.txt',
  ])('never leaves root: %s', async (url) => {
    const res = await app().inject(url)
    expect([403, 404]).toContain(res.statusCode)
    expect(res.body).not.toContain('not public')
    const { code } = res.json().error as { code: string }
    expect(code).toBe(res.statusCode === 403 ? 'MEGA_FORBIDDEN' : 'MEGA_ROUTE_NOT_FOUND')
  })

  it('serves over a real socket', async () => {
    const url = await app().listen()
    const res = await fetch(`${url}/hello.txt`)
    expect([res.status, await res.text()]).toEqual([200, 'hello'])
    const traversal = await fetch(`${url}/%2e%2e/secret.txt`)
    expect(traversal.status).toBe(404)
  })

  it('validates its options at once', () => {
    const issues = (options: unknown) => {
      try {
        staticFiles(options as StaticFilesOptions)
      } catch (err) {
        return MegaError.is(err) ? [err.code, err.issues?.map((i) => i.path)] : err
      }
      return 'no error'
    }
    expect(issues({ root: 'relative/dir', prefix: 'assets', maxAgeS: -1, immutable: 1 })).toEqual([
      'MEGA_CONFIG_INVALID',
      [
        'staticFiles options.root',
        'staticFiles options.prefix',
        'staticFiles options.maxAgeS',
        'staticFiles options.immutable',
      ],
    ])
    expect(issues({ root: join(site, 'nope') })).toEqual([
      'MEGA_CONFIG_INVALID',
      ['staticFiles options.root'],
    ])
    expect(issues({ root, immutable: true })).toEqual([
      'MEGA_CONFIG_INVALID',
      ['staticFiles options.immutable'],
    ])
    expect(issues({ root, prefix: '/a/../b' })).toEqual([
      'MEGA_CONFIG_INVALID',
      ['staticFiles options.prefix'],
    ])
    expect(issues({ root, extra: 1 })).toEqual(['MEGA_CONFIG_INVALID', ['staticFiles options']])
  })

  it('refuses two instances on one prefix', () => {
    expect(() =>
      createApp({ plugins: [staticFiles({ root }), staticFiles({ root: assets })] }),
    ).toThrow(/registered twice/)
  })
})
