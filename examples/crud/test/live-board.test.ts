import { describe, expect, it } from 'vitest'
import type { TestApp } from '@mega/core/testing'
import { Browser } from './helpers/browser.js'
import { bootApp, signUp } from './helpers/crud-app.js'
import { connectLive, type LiveClient, type Refusal } from './helpers/ws-client.js'

let counter = 0

/** A board owned by a new user; returns its id. */
async function newBoard(app: TestApp, auth: { authorization: string }): Promise<number> {
  const res = await app.inject({
    method: 'POST',
    url: '/boards',
    headers: auth,
    payload: { title: `Board ${++counter}` },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json<{ data: { id: number } }>().data.id
}

/** The `ws://` base of the app listening on port 0. */
async function wsBase(app: TestApp): Promise<string> {
  return (await app.url()).replace(/^http/, 'ws')
}

/** The refusal of an upgrade that must not open. */
async function refusal(promise: Promise<LiveClient>): Promise<{ status: number; code: string }> {
  const err = (await promise.then(
    () => expect.fail('the socket opened'),
    (e: unknown) => e,
  )) as Refusal
  return {
    status: err.status,
    code: (JSON.parse(err.body) as { error: { code: string } }).error.code,
  }
}

/** A browser signed up through the page form (so signed in by its session cookie). */
async function pageUser(app: TestApp, name: string) {
  const browser = new Browser(app)
  await browser.get('/web/register')
  const email = `live${++counter}-${Date.now()}@example.test`
  const res = await browser.post('/web/register', {
    name,
    email,
    password: 'correct horse battery',
  })
  expect(res.statusCode, res.body).toBe(303)
  const cookie = Object.entries(browser.cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ')
  return { browser, cookie }
}

describe('live board', () => {
  it('refuses the upgrade without a user (401) and for a board that does not exist (404)', async () => {
    const app = await bootApp()
    const ann = await signUp(app)
    const board = await newBoard(app, ann.auth)
    const base = await wsBase(app)

    expect(await refusal(connectLive(`${base}/boards/${board}/live`))).toEqual({
      status: 401,
      code: 'MEGA_AUTH_REQUIRED',
    })
    const badToken = { authorization: `Bearer ${'x'.repeat(43)}` }
    expect(await refusal(connectLive(`${base}/boards/${board}/live`, badToken))).toEqual({
      status: 401,
      code: 'MEGA_AUTH_TOKEN_INVALID',
    })
    for (const id of [board + 100, 'nope'])
      expect(await refusal(connectLive(`${base}/boards/${id}/live`, ann.auth))).toEqual({
        status: 404,
        code: 'MEGA_CRUD_NOT_FOUND',
      })
    // A page of another origin cannot ride a visitor's session cookie.
    const foreign = { ...ann.auth, origin: 'https://evil.example' }
    expect(await refusal(connectLive(`${base}/boards/${board}/live`, foreign))).toEqual({
      status: 403,
      code: 'MEGA_WS_ORIGIN_REFUSED',
    })
  })

  it('shows who is viewing: a token client and a page-session client see each other', async () => {
    const app = await bootApp()
    const ann = await signUp(app, { name: 'Ann' })
    const board = await newBoard(app, ann.auth)
    const url = `${await wsBase(app)}/boards/${board}/live`

    const a = await connectLive(url, ann.auth)
    expect(await a.next()).toMatchObject({ type: 'viewers', data: [{ id: ann.id, name: 'Ann' }] })

    const bob = await pageUser(app, 'Bob')
    const b = await connectLive(url, { cookie: bob.cookie })
    const seen = await b.next()
    expect(seen.type).toBe('viewers')
    expect((seen.data as { name: string }[]).map((v) => v.name)).toEqual(['Ann', 'Bob'])
    expect(await a.next()).toMatchObject({
      type: 'mega.presence.join',
      ns: `boards/${board}/live`,
      data: { metadata: { name: 'Bob' } },
    })

    a.send({ type: 'viewers', id: 'q1' })
    expect(await a.next()).toMatchObject({ type: 'mega.reply', replyTo: 'q1', data: seen.data })
    b.socket.close()
    expect(await a.next()).toMatchObject({ type: 'mega.presence.leave' })
  })

  it("sends the board's viewers note changes made through the JSON API, and only them", async () => {
    const app = await bootApp()
    const ann = await signUp(app)
    const cat = await signUp(app)
    const board = await newBoard(app, ann.auth)
    const other = await newBoard(app, cat.auth)
    const base = await wsBase(app)
    const a = await connectLive(`${base}/boards/${board}/live`, ann.auth)
    const c = await connectLive(`${base}/boards/${other}/live`, cat.auth)
    expect((await a.next()).type).toBe('viewers')
    expect((await c.next()).type).toBe('viewers')

    const created = await app.inject({
      method: 'POST',
      url: `/boards/${board}/notes`,
      headers: cat.auth, // anyone signed in writes on any board
      payload: { title: 'Hello', body: 'from the API' },
    })
    expect(created.statusCode, created.body).toBe(201)
    const note = created.json<{ data: { id: number } }>().data
    expect(await a.next()).toMatchObject({
      type: 'note.created',
      ns: `boards/${board}/live`,
      data: { id: note.id, board_id: board, author_id: cat.id, title: 'Hello' },
    })

    const patched = await app.inject({
      method: 'PATCH',
      url: `/notes/${note.id}`,
      headers: cat.auth,
      payload: { body: 'edited' },
    })
    expect(patched.statusCode, patched.body).toBe(200)
    expect(await a.next()).toMatchObject({ type: 'note.updated', data: { body: 'edited' } })
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/notes/${note.id}`,
      headers: ann.auth,
    })
    expect(deleted.statusCode, deleted.body).toBe(200)
    expect(await a.next()).toMatchObject({
      type: 'note.deleted',
      data: { id: note.id, board_id: board },
    })

    // The other board's viewer got none of that: its first message is its own board's note.
    await app.inject({
      method: 'POST',
      url: `/boards/${other}/notes`,
      headers: cat.auth,
      payload: { title: 'Mine', body: 'here' },
    })
    expect(await c.next()).toMatchObject({ type: 'note.created', data: { board_id: other } })
  })

  it('renders the board page with its notes and the live script, linked from the boards list', async () => {
    const app = await bootApp()
    const ann = await signUp(app)
    const board = await newBoard(app, ann.auth)
    await app.inject({
      method: 'POST',
      url: `/boards/${board}/notes`,
      headers: ann.auth,
      payload: { title: '<b>Bold</b>', body: 'kept as text' },
    })
    const { browser } = await pageUser(app, 'Dee')

    const list = await browser.get('/web/boards')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain(`<a href="/web/boards/${board}">`)
    expect(list.body).toContain('<a href="/web/boards">Boards</a>')

    const show = await browser.get(`/web/boards/${board}`)
    expect(show.statusCode).toBe(200)
    expect(show.body).toContain(`data-board-id="${board}"`)
    expect(show.body).toContain('<script type="module" src="/assets/board-live.js"></script>')
    expect(show.body).toContain('&lt;b&gt;Bold&lt;/b&gt;')
    // The CSP allows the script (same origin) and the socket ('self' covers ws: and wss: there).
    const csp = String(show.headers['content-security-policy'])
    expect(csp).toMatch(/script-src 'self'/)
    expect(csp).toMatch(/default-src 'self'/)
    expect(csp).not.toMatch(/connect-src/)

    const script = await app.inject('/assets/board-live.js')
    expect(script.statusCode).toBe(200)
    expect(script.headers['content-type']).toMatch(/javascript/)
    expect(script.body).toContain("'/live'")
    expect(script.body).toContain("from '/vendor/ws-client/index.js'")
    // The client's browser build, served as plain ES modules from the package's dist/.
    const client = await app.inject('/vendor/ws-client/index.js')
    expect(client.statusCode).toBe(200)
    expect(client.headers['content-type']).toMatch(/javascript/)
    expect(client.body).toContain('MegaWsClient')

    expect((await browser.get(`/web/boards/${board + 100}`)).statusCode).toBe(404)
    const anonymous = await new Browser(app).get(`/web/boards/${board}`)
    expect([anonymous.statusCode, anonymous.headers.location]).toEqual([303, '/web/login'])
  })
})
