import { connect } from 'node:net'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import {
  NotFoundError,
  ServiceUnavailableError,
  createApp,
  defineRoutes,
  type MegaServer,
} from '../src/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()

const routes = defineRoutes((r) => {
  r.get('/', () => ({ hello: 'world' }))
  r.post('/echo', (ctx) => ctx.body)
  r.get('/ip', (ctx) => ({ ip: ctx.request.ip }))
  r.get('/down', () => {
    throw new ServiceUnavailableError('SQLITE_BUSY: database is locked at /srv/app.db', {
      code: 'MEGA_DB_UNAVAILABLE',
      details: { host: '10.1.2.3' },
    })
  })
  r.get('/bad-gateway', () => {
    throw new MegaError('UPSTREAM_FAILED', 'upstream 10.9.9.9:8080 refused', {
      statusCode: 502,
      details: { upstream: '10.9.9.9' },
    })
  })
  r.get('/users/:id', () => {
    throw new NotFoundError('No such user: check the id.', {
      code: 'MEGA_CRUD_NOT_FOUND',
      details: { table: 'users', id: 99999 },
    })
  })
})

interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** Sends bytes over a fresh socket and reads until the server closes it. */
function raw(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (data += chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers = Object.fromEntries(
        lines.map((l) => {
          const i = l.indexOf(':')
          return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()]
        }),
      )
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') })
    })
    socket.write(request)
  })
}

describe('malformed requests get the envelope, a request id and nosniff', () => {
  let server: MegaServer
  let port: number
  beforeAll(async () => {
    server = createApp({ routes, production: true })
    port = Number(new URL(await server.listen()).port)
  })
  afterAll(() => server.close())

  const UUID = /^[0-9a-f-]{36}$/

  function expectEnvelope(res: RawResponse, status: number, code: string): void {
    expect(res.status, res.body).toBe(status)
    const body = JSON.parse(res.body) as { ok: boolean; error: { code: string; requestId: string } }
    expect(body.ok).toBe(false)
    expect(body.error.code).toBe(code)
    expect(res.headers['x-request-id']).toMatch(UUID)
    expect(body.error.requestId).toBe(res.headers['x-request-id'])
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['content-type']).toContain('application/json')
  }

  it('a URL that cannot be decoded (GET /%zz) → 400 MEGA_BAD_REQUEST, without echoing it', async () => {
    const res = await raw(port, 'GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expectEnvelope(res, 400, 'MEGA_BAD_REQUEST')
    expect(res.body).not.toContain('%zz')
  })

  it('the same as problem details when the client asks for them', async () => {
    const res = await raw(
      port,
      'GET /%zz?token=secret HTTP/1.1\r\nHost: x\r\nAccept: application/problem+json\r\nConnection: close\r\n\r\n',
    )
    expect(res.status).toBe(400)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(JSON.parse(res.body)).toMatchObject({ status: 400, code: 'MEGA_BAD_REQUEST' })
    expect(res.body).not.toContain('secret')
  })

  it.each([
    ['an unknown method', 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n'],
    [
      'a duplicate Content-Length',
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    ],
    [
      'Content-Length with Transfer-Encoding',
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    [
      'a bad chunk',
      'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n',
    ],
  ])('%s → 400 MEGA_BAD_REQUEST', async (_name, request) => {
    expectEnvelope(await raw(port, request), 400, 'MEGA_BAD_REQUEST')
  })

  it('headers past the size limit (20 kB) → 431 MEGA_HEADERS_TOO_LARGE', async () => {
    const res = await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    expectEnvelope(res, 431, 'MEGA_HEADERS_TOO_LARGE')
  })
})

/** A logger (pino options) whose lines land in `lines`. */
function capture(lines: Record<string, unknown>[]) {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    },
  })
  return { level: 'info', stream }
}

describe('request ids', () => {
  it('makes its own id and keeps a client’s as upstreamRequestId in the log', async () => {
    const lines: Record<string, unknown>[] = []
    const server = track(createApp({ routes, logger: capture(lines) }))
    const res = await server.inject({
      url: '/',
      headers: { 'x-request-id': 'attacker-chosen-id.1' },
    })
    const id = res.headers['x-request-id']
    expect(id).not.toBe('attacker-chosen-id.1')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    const line = lines.find((l) => l.reqId === id)
    expect(line).toMatchObject({ upstreamRequestId: 'attacker-chosen-id.1' })
  })

  it('trusts the incoming id only from a trusted proxy (trustProxy)', async () => {
    const idWith = async (trustProxy: boolean | number | string | string[]) => {
      const server = track(createApp({ routes, trustProxy }))
      const res = await server.inject({ url: '/', headers: { 'x-request-id': 'edge-42' } })
      return res.headers['x-request-id']
    }
    // inject() comes from 127.0.0.1.
    expect(await idWith(true)).toBe('edge-42')
    expect(await idWith(1)).toBe('edge-42')
    expect(await idWith('127.0.0.1')).toBe('edge-42')
    expect(await idWith(['10.0.0.0/8', 'loopback'])).toBe('edge-42')
    expect(await idWith(0)).not.toBe('edge-42')
    expect(await idWith(false)).not.toBe('edge-42')
    expect(await idWith('10.0.0.0/8')).not.toBe('edge-42')
  })
})

describe('trustProxy', () => {
  it('passes hop counts and CIDR ranges to Fastify (request.ip)', async () => {
    const ipWith = async (trustProxy: boolean | number | string) => {
      const server = track(createApp({ routes, trustProxy }))
      const res = await server.inject({ url: '/ip', headers: { 'x-forwarded-for': '203.0.113.9' } })
      return res.json<{ data: { ip: string } }>().data.ip
    }
    expect(await ipWith('127.0.0.0/8')).toBe('203.0.113.9')
    expect(await ipWith(1)).toBe('203.0.113.9')
    expect(await ipWith('10.0.0.0/8')).toBe('127.0.0.1')
    expect(await ipWith(false)).toBe('127.0.0.1')
  })

  it('refuses values Fastify would not understand, at construction', () => {
    expect(() => createApp({ routes, trustProxy: 'proxy.local' })).toThrow(
      expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }),
    )
    expect(() => createApp({ routes, trustProxy: -1 })).toThrow(/trustProxy/)
  })
})

describe('production answers', () => {
  it('hides the message and details of every 5xx, not only 500', async () => {
    const server = track(createApp({ routes, production: true }))
    const down = await server.inject('/down')
    expect(down.statusCode).toBe(503)
    expect(down.json().error).toEqual({
      code: 'MEGA_DB_UNAVAILABLE',
      message: 'Service unavailable: retry shortly.',
      requestId: down.headers['x-request-id'],
    })
    const gateway = await server.inject('/bad-gateway')
    expect(gateway.statusCode).toBe(502)
    expect(gateway.body).not.toContain('10.9.9.9')
    expect(gateway.json().error.message).toBe('Internal server error.')
  })

  it('drops details from 4xx answers (the log keeps them)', async () => {
    const lines: Record<string, unknown>[] = []
    const server = track(createApp({ routes, production: true, logger: capture(lines) }))
    const res = await server.inject('/users/99999')
    expect(res.statusCode).toBe(404)
    expect(res.json().error).toEqual({
      code: 'MEGA_CRUD_NOT_FOUND',
      message: 'No such user: check the id.',
      requestId: res.headers['x-request-id'],
    })
    expect(lines.find((l) => l.msg === 'request rejected')).toMatchObject({
      details: { table: 'users', id: 99999 },
    })
  })

  it('keeps messages and details outside production', async () => {
    const server = track(createApp({ routes, production: false }))
    const down = await server.inject('/down')
    expect(down.json().error).toMatchObject({
      message: 'SQLITE_BUSY: database is locked at /srv/app.db',
      details: { host: '10.1.2.3' },
    })
    expect((await server.inject('/users/1')).json().error.details).toEqual({
      table: 'users',
      id: 99999,
    })
  })

  it('problem details name the path only, never the query string', async () => {
    const server = track(createApp({ routes, production: true }))
    const res = await server.inject({
      url: '/nope?token=secret&x=<y>',
      headers: { accept: 'application/problem+json' },
    })
    expect(res.json()).toMatchObject({ status: 404, instance: '/nope' })
    expect(res.body).not.toContain('secret')
  })
})
