import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { defineRoutes } from '@mega/core'
import { ASP_CONTENT_TYPE, createAspCodec } from '../src/index.js'
import { serve } from './helpers/ws-harness.js'

const key = randomBytes(32).toString('base64')
const routes = defineRoutes((r) => r.post('/notes', (ctx) => ({ got: ctx.body })))

async function post(url: string, body: string, type: string) {
  const res = await fetch(`${url}/notes`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  })
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}

describe('ws({ encryption: { http: true } }) on HTTP routes', () => {
  it('opens a sealed body and seals the response to it; a replay or a tampered body is a 400', async () => {
    const { url } = await serve({ routes }, { encryption: { key, http: true } })
    const client = createAspCodec({ key })
    const sealed = client.seal(JSON.stringify({ title: 'Milk & honey' }))
    const res = await post(url, sealed, ASP_CONTENT_TYPE)
    expect(res).toMatchObject({ status: 200, type: ASP_CONTENT_TYPE })
    expect(res.text).not.toContain('Milk & honey')
    expect(JSON.parse(await client.open(res.text))).toMatchObject({
      ok: true,
      data: { got: { title: 'Milk & honey' } },
    })

    const replay = await post(url, sealed, ASP_CONTENT_TYPE)
    expect(replay.status).toBe(400)
    expect(replay.text).toContain('MEGA_WS_ASP_DECRYPT_FAILED')

    const frame = JSON.parse(client.seal('{"title":"x"}')) as { ct: string }
    frame.ct = (frame.ct[0] === 'A' ? 'B' : 'A') + frame.ct.slice(1)
    expect((await post(url, JSON.stringify(frame), ASP_CONTENT_TYPE)).status).toBe(400)
  })

  it('leaves plain JSON requests and responses as they are', async () => {
    const { url } = await serve({ routes }, { encryption: { key, http: true } })
    const res = await post(url, '{"title":"plain"}', 'application/json')
    expect(res.status).toBe(200)
    expect(res.type).toContain('application/json')
    expect(JSON.parse(res.text)).toMatchObject({ ok: true, data: { got: { title: 'plain' } } })
  })

  it('does not take sealed bodies unless http is on', async () => {
    const { url } = await serve({ routes }, { encryption: { key } })
    const res = await post(url, createAspCodec({ key }).seal('{}'), ASP_CONTENT_TYPE)
    expect(res.status).toBe(415)
  })
})
