import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { MegaError } from '@mega/observe'
import {
  createApp,
  defineRoutes,
  sanitizeFilename,
  uploads,
  type FileCheck,
  type UploadsOptions,
} from '../src/index.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mega-uploads-test-'))
  dirs.push(dir)
  return dir
}

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(100, 7)])
const png = (bytes: Buffer = PNG) => new Blob([bytes], { type: 'image/png' })

interface Failure {
  readonly error: { readonly code: string; readonly details: readonly { readonly path: string }[] }
}
function issuePaths(res: { json(): unknown }): string[] {
  return (res.json() as Failure).error.details.map((i) => i.path).sort()
}

/** The checks a request asks for, sent as a query string so one route serves every test. */
function checkFrom(query: Record<string, string | undefined>): FileCheck {
  return {
    ...(query.maxBytes === undefined ? {} : { maxBytes: Number(query.maxBytes) }),
    ...(query.types === undefined ? {} : { types: query.types.split(',') }),
  }
}

function routes(moveTo?: string) {
  return defineRoutes((r) => {
    r.post('/avatar', async (ctx) => {
      const query = ctx.query as Record<string, string | undefined>
      const avatar = await ctx.file('avatar', checkFrom(query))
      if (avatar === undefined) return { avatar: null }
      const moved = moveTo === undefined ? undefined : await avatar.moveTo(moveTo, query.name)
      return { avatar, path: avatar.path, moved: moved ?? null }
    })
    r.post('/gallery', async (ctx) => ({
      all: (await ctx.files()).map((f) => f.filename),
      photos: (await ctx.files('photo')).map((f) => f.size),
    }))
    r.post(
      '/profile',
      { schema: { body: z.object({ name: z.string().min(2), age: z.number().int().min(0) }) } },
      async (ctx) => ({ body: ctx.body, hasAvatar: (await ctx.file('avatar')) !== undefined }),
    )
    r.post('/boom', async (ctx) => {
      await ctx.file('avatar')
      throw new Error('handler failed')
    })
  })
}

async function app(options: Partial<UploadsOptions> = {}, moveTo?: string) {
  const tmpDir = await tempDir()
  const server = track(
    createApp({ routes: routes(moveTo), plugins: [uploads({ tmpDir, ...options })] }),
  )
  return { server, tmpDir }
}

/** The temp folder empties once the response is done (`onResponse` runs after it is sent). */
async function expectEmpty(dir: string): Promise<void> {
  await vi.waitFor(async () => expect(await readdir(dir)).toEqual([]), { timeout: 2000 })
}

describe('uploads', () => {
  it('streams a file to a temp file, hands it to the handler, and removes it after the response', async () => {
    const { server, tmpDir } = await app()
    const form = new FormData()
    form.append('avatar', png(), '../../etc/My Photo?.png')
    const res = await server.inject({ method: 'POST', url: '/avatar', payload: form })
    expect(res.statusCode).toBe(200)
    const data = res.json().data
    expect(data.avatar).toEqual({
      field: 'avatar',
      filename: 'My Photo_.png',
      type: 'image/png',
      size: PNG.length,
    })
    expect((data as { path: string }).path.startsWith(tmpDir)).toBe(true)
    await expectEmpty(tmpDir)
  })

  it('moveTo keeps the file (a random name by default, or the given one)', async () => {
    const dest = join(await tempDir(), 'avatars')
    const { server, tmpDir } = await app({}, dest)
    const send = async (url: string) => {
      const form = new FormData()
      form.append('avatar', png(), 'me.PNG')
      const res = await server.inject({ method: 'POST', url, payload: form })
      return res.json<{ data: { moved: string; path: string }; error: { code: string } }>()
    }
    const random = await send('/avatar')
    expect(random.data.moved).toMatch(/avatars\/[0-9a-f-]{36}\.png$/)
    expect(random.data.path).toBe(random.data.moved)
    expect(await readFile(random.data.moved)).toEqual(PNG)
    const named = await send('/avatar?name=me.png')
    expect(named.data.moved).toBe(join(dest, 'me.png'))
    const bad = await send('/avatar?name=..%2Fescape.png')
    expect(bad.error.code).toBe('MEGA_UPLOAD_INVALID_NAME')
    expect((await readdir(dest)).sort()).toHaveLength(2)
    await expectEmpty(tmpDir)
  })

  it('gives undefined for an absent file, and for a file input left empty', async () => {
    const { server } = await app()
    const none = await server.inject({ method: 'POST', url: '/avatar', payload: new FormData() })
    expect(none.json().data).toEqual({ avatar: null })
    const empty = new FormData()
    empty.append('avatar', new Blob([], { type: 'application/octet-stream' }), '')
    const res = await server.inject({ method: 'POST', url: '/avatar', payload: empty })
    expect(res.json().data).toEqual({ avatar: null })
    const browser = await server.inject({
      method: 'POST',
      url: '/avatar',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      payload:
        '--xyz\r\nContent-Disposition: form-data; name="avatar"; filename=""\r\n' +
        'Content-Type: application/octet-stream\r\n\r\n\r\n--xyz--\r\n',
    })
    expect(browser.json().data).toEqual({ avatar: null })
  })

  it('ctx.files() lists every file, or those of one field', async () => {
    const { server } = await app()
    const form = new FormData()
    form.append('photo', png(), 'a.png')
    form.append('photo', png(Buffer.concat([PNG, PNG])), 'b.png')
    form.append('doc', new Blob(['hello'], { type: 'text/plain' }), 'c.txt')
    const res = await server.inject({ method: 'POST', url: '/gallery', payload: form })
    expect(res.json().data).toEqual({
      all: ['a.png', 'b.png', 'c.txt'],
      photos: [PNG.length, PNG.length * 2],
    })
  })

  it('validates the text fields with the route body schema (coerced like JSON input)', async () => {
    const { server, tmpDir } = await app()
    const form = new FormData()
    form.append('name', 'Ada')
    form.append('age', '36')
    form.append('avatar', png(), 'ada.png')
    const ok = await server.inject({ method: 'POST', url: '/profile', payload: form })
    expect(ok.json().data).toEqual({ body: { name: 'Ada', age: 36 }, hasAvatar: true })

    const badForm = new FormData()
    badForm.append('name', 'A')
    badForm.append('age', 'old')
    badForm.append('avatar', png(), 'a.png')
    const bad = await server.inject({ method: 'POST', url: '/profile', payload: badForm })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().error.code).toBe('MEGA_VALIDATION_FAILED')
    expect(issuePaths(bad)).toEqual(['body.age', 'body.name'])
    await expectEmpty(tmpDir)
  })

  it('removes temp files after a handler error too', async () => {
    const { server, tmpDir } = await app()
    const form = new FormData()
    form.append('avatar', png(), 'a.png')
    const res = await server.inject({ method: 'POST', url: '/boom', payload: form })
    expect(res.statusCode).toBe(500)
    await expectEmpty(tmpDir)
  })

  it('413 MEGA_UPLOAD_TOO_LARGE when a file passes maxFileBytes while streaming, leaving nothing', async () => {
    const { server, tmpDir } = await app({ maxFileBytes: 50 })
    const form = new FormData()
    form.append('avatar', png(), 'big.png')
    const res = await server.inject({ method: 'POST', url: '/avatar', payload: form })
    expect(res.statusCode).toBe(413)
    expect(res.json().error).toMatchObject({
      code: 'MEGA_UPLOAD_TOO_LARGE',
      details: { field: 'avatar', limit: 50 },
    })
    await expectEmpty(tmpDir)
  })

  it('413 MEGA_UPLOAD_TOO_LARGE for ctx.file maxBytes and for a field over maxFieldBytes', async () => {
    const { server, tmpDir } = await app({ maxFieldBytes: 10 })
    const form = new FormData()
    form.append('avatar', png(), 'a.png')
    const res = await server.inject({ method: 'POST', url: '/avatar?maxBytes=10', payload: form })
    expect([res.statusCode, res.json().error.details]).toEqual([
      413,
      { field: 'avatar', limit: 10 },
    ])

    const fields = new FormData()
    fields.append('name', 'a name longer than ten bytes')
    const long = await server.inject({ method: 'POST', url: '/avatar', payload: fields })
    expect(long.statusCode).toBe(413)
    expect(long.json().error).toMatchObject({
      code: 'MEGA_UPLOAD_TOO_LARGE',
      details: { field: 'name', limit: 10 },
    })
    await expectEmpty(tmpDir)
  })

  it('413 MEGA_UPLOAD_TOO_MANY_FILES / _FIELDS past maxFiles / maxFields, leaving nothing', async () => {
    const { server, tmpDir } = await app({ maxFiles: 2, maxFields: 1 })
    const files = new FormData()
    for (const name of ['a.png', 'b.png', 'c.png']) files.append('photo', png(), name)
    const res = await server.inject({ method: 'POST', url: '/gallery', payload: files })
    expect(res.statusCode).toBe(413)
    expect(res.json().error).toMatchObject({
      code: 'MEGA_UPLOAD_TOO_MANY_FILES',
      details: { limit: 2 },
    })

    const fields = new FormData()
    fields.append('a', '1')
    fields.append('b', '2')
    const many = await server.inject({ method: 'POST', url: '/gallery', payload: fields })
    expect(many.statusCode).toBe(413)
    expect(many.json().error).toMatchObject({
      code: 'MEGA_UPLOAD_TOO_MANY_FIELDS',
      details: { limit: 1 },
    })
    await expectEmpty(tmpDir)
  })

  it('422 MEGA_UPLOAD_TYPE_NOT_ALLOWED for another type, or content that is not the claimed type', async () => {
    const { server, tmpDir } = await app()
    const send = async (blob: Blob, name: string) => {
      const form = new FormData()
      form.append('avatar', blob, name)
      return server.inject({
        method: 'POST',
        url: '/avatar?types=image/png,image/jpeg',
        payload: form,
      })
    }
    const gif = await send(new Blob(['GIF89a...'], { type: 'image/gif' }), 'a.gif')
    expect(gif.statusCode).toBe(422)
    expect(gif.json().error).toMatchObject({
      code: 'MEGA_UPLOAD_TYPE_NOT_ALLOWED',
      details: { field: 'avatar', type: 'image/gif', allowed: ['image/png', 'image/jpeg'] },
    })
    const fake = await send(new Blob(['<script>alert(1)</script>'], { type: 'image/png' }), 'x.png')
    expect(fake.statusCode).toBe(422)
    expect(fake.json().error.message).toContain('its content is not image/png')
    const real = await send(png(), 'a.png')
    expect(real.statusCode).toBe(200)
    await expectEmpty(tmpDir)
  })

  it('accepts a wildcard type and trusts the claim for types it cannot sniff', async () => {
    const { server } = await app()
    const form = new FormData()
    form.append('avatar', new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), 'data.csv')
    const res = await server.inject({ method: 'POST', url: '/avatar?types=text/*', payload: form })
    expect(res.json().data.avatar.type).toBe('text/csv')
  })

  it('rejects bad ctx.file options and a malformed multipart body', async () => {
    const { server } = await app()
    const form = new FormData()
    form.append('avatar', png(), 'a.png')
    const res = await server.inject({ method: 'POST', url: '/avatar?types=png', payload: form })
    expect(res.json().error.code).toBe('MEGA_CONFIG_INVALID')
    const broken = await server.inject({
      method: 'POST',
      url: '/avatar',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      payload:
        '--xyz\r\nContent-Disposition: form-data; name="avatar"; filename="a.png"\r\n\r\nno end',
    })
    expect(broken.statusCode).toBe(400)
    expect(broken.json().error.code).toBe('MEGA_BAD_REQUEST')
  })

  it('ctx.file without the plugin is MEGA_CONTEXT_FEATURE_MISSING (500, says how to enable)', async () => {
    const server = track(createApp({ routes: routes() }))
    const res = await server.inject({ method: 'POST', url: '/avatar', payload: {} })
    expect(res.statusCode).toBe(500)
    expect(res.json().error.code).toBe('MEGA_CONTEXT_FEATURE_MISSING')
    expect(res.json().error.message).toContain('add uploads() to plugins')
  })

  it('validates its options at once', () => {
    const bad = (options: unknown) => {
      try {
        uploads(options as UploadsOptions)
      } catch (err) {
        return MegaError.is(err) ? [err.code, err.issues?.map((i) => i.path)] : err
      }
      return 'no error'
    }
    expect(
      bad({ maxFileBytes: 0, maxFiles: 1.5, maxFields: -1, maxFieldBytes: '1', tmpDir: 'rel' }),
    ).toEqual([
      'MEGA_CONFIG_INVALID',
      [
        'uploads options.maxFileBytes',
        'uploads options.maxFiles',
        'uploads options.maxFields',
        'uploads options.maxFieldBytes',
        'uploads options.tmpDir',
      ],
    ])
    expect(bad({ maxFiles: 3, extra: true })).toEqual(['MEGA_CONFIG_INVALID', ['uploads options']])
  })

  it('works over a real socket with fetch', async () => {
    const { server, tmpDir } = await app()
    const url = await server.listen()
    const form = new FormData()
    form.append('name', 'Grace')
    form.append('age', '45')
    form.append('avatar', png(), 'grace.png')
    const res = await fetch(`${url}/profile`, { method: 'POST', body: form })
    expect(await res.json()).toMatchObject({
      ok: true,
      data: { body: { name: 'Grace', age: 45 }, hasAvatar: true },
    })
    const big = new FormData()
    big.append('avatar', png(Buffer.alloc(11 * 1024 * 1024, 1)), 'huge.png')
    const tooBig = await fetch(`${url}/avatar`, { method: 'POST', body: big })
    expect(tooBig.status).toBe(413)
    expect(((await tooBig.json()) as Failure).error.code).toBe('MEGA_UPLOAD_TOO_LARGE')
    await expectEmpty(tmpDir)
  })
})

describe('sanitizeFilename', () => {
  it.each([
    ['photo.png', 'photo.png'],
    ['C:\\Users\\me\\évé.jpg', 'évé.jpg'],
    ['../../etc/passwd', 'passwd'],
    ['..', 'file'],
    ['.env', 'env'],
    ['a<b>:c|d?.txt', 'a_b__c_d_.txt'],
    ['', 'file'],
    [`${'x'.repeat(300)}.pdf`, `${'x'.repeat(196)}.pdf`],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFilename(input)).toBe(expected)
  })
})
