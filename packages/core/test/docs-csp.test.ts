import { describe, expect, it } from 'vitest'
import { createApp, defineRoutes, openapi, security, type SecurityOptions } from '../src/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()
const routes = defineRoutes((r) => {
  r.get('/', () => 'home')
})

/** The sources a CSP header gives one directive (falling back to default-src). */
function sources(header: string, directive: string): string[] {
  const map = new Map(
    header.split(';').map((d) => {
      const [name = '', ...rest] = d.trim().split(/\s+/)
      return [name, rest] as const
    }),
  )
  return map.get(directive) ?? map.get('default-src') ?? []
}

describe("the docs UI under security()'s Content-Security-Policy", () => {
  async function docs(options: SecurityOptions, servers?: { url: string }[]) {
    const server = track(
      createApp({
        routes,
        plugins: [security(options), openapi(servers === undefined ? {} : { servers })],
      }),
    )
    const page = await server.inject('/docs')
    return { server, page, csp: page.headers['content-security-policy'] as string }
  }

  it('allows every script of the page: all are files of this origin, none inline', async () => {
    const { server, page, csp } = await docs({})
    expect(page.statusCode).toBe(200)
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const [, attributes = '', body = ''] of scripts) {
      expect(body.trim()).toBe('') // nothing inline: no nonce or hash needed
      const src = /src="([^"]+)"/.exec(attributes)?.[1]
      expect(src).toMatch(/^(\.\/|\/docs\/)static\//) // same origin: 'self'
      const file = await server.inject(src!.replace(/^\.\//, '/docs/'))
      expect(file.statusCode).toBe(200)
    }
    expect(sources(csp, 'script-src')).toContain("'self'")
    expect(sources(csp, 'script-src')).not.toContain("'unsafe-inline'")
    expect(sources(csp, 'style-src')).toContain("'unsafe-inline'") // Swagger UI styles inline
    expect(sources(csp, 'img-src')).toContain('data:')
  })

  it('adds what the UI needs to a strict app policy, on the docs only', async () => {
    const strict: SecurityOptions = {
      csp: { directives: { 'style-src': ["'self'"], 'img-src': ["'none'"] } },
    }
    const { server, csp } = await docs(strict, [{ url: 'https://api.example.com/v1' }])
    expect(sources(csp, 'style-src')).toEqual(["'self'", "'unsafe-inline'"])
    expect(sources(csp, 'img-src')).toEqual(["'self'", 'data:'])
    expect(sources(csp, 'connect-src')).toEqual(["'self'", 'https://api.example.com']) // Try it out
    expect(sources(csp, 'object-src')).toEqual(["'none'"]) // the rest of the policy is kept
    const home = (await server.inject('/')).headers['content-security-policy'] as string
    expect(sources(home, 'style-src')).toEqual(["'self'"])
    expect(sources(home, 'img-src')).toEqual(["'none'"])
  })

  it('sends no policy on the docs when the app turns it off there', async () => {
    const { page } = await docs({ csp: { byPrefix: { '/docs': false } } })
    expect(page.headers['content-security-policy']).toBeUndefined()
  })
})
