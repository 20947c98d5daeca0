import { describe, expect, it } from 'vitest'
import { createTestApp } from '@mega/core/testing'
import { {{dbImports}} } from '@mega/db'{{imports}}

const root = new URL('../..', import.meta.url).pathname

/** The app on its test database (vitest.config.ts: in-memory SQLite), every migration applied. */
async function migratedApp() {
  const app = await createTestApp({ root })
  const db = app.runtime.adapters.get<SqlDbAdapter>('db')
  const results = await createMigrator({ db, root, app: '{{app}}' }).up()
  expect(results.filter((r) => r.status === 'failed')).toEqual([])
  return { app }
}

type TestApp = Awaited<ReturnType<typeof migratedApp>>['app']

/** What a browser posts for each value: its text. */
function asForm(input: Record<string, unknown>): Record<string, string> {
  const text = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, text(v)]))
}

/** A browser on the app: keeps its cookies, posts forms with the token of the page that shows them. */
function browser(app: TestApp) {
  const cookies: Record<string, string> = {}
  const open = async (url: string) => {
    const res = await app.inject({ url, cookies })
    for (const c of res.cookies as { name: string; value: string }[]) cookies[c.name] = c.value
    return res
  }
  const post = async (url: string, fields: Record<string, string>, withToken = true) => {
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await open(url)).body)?.[1] ?? ''
    return app.inject({
      method: 'POST',
      url,
      cookies,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...fields, ...(withToken ? { _csrf: csrf } : {}) }).toString(),
    })
  }
  return { open, post }
}

describe('{{plural}} forms', () => {
  it{{skip}}('creates and edits a {{name}} through its forms', async () => {
    const { app } = await migratedApp(){{seed}}
    const b = browser(app)
    const input = {{input}}
    const created = await b.post('/{{plural}}/new', asForm(input))
    expect(created.statusCode, created.body).toBe(303)
    const location = String(created.headers.location)
    expect(location).toMatch(/^\/{{plural}}\/\d+$/)
    const edit = await b.open(`${location}/edit`)
    expect(edit.statusCode).toBe(200)
    expect(edit.body).toContain('name="_csrf"')

    const change = {{change}}
    const saved = await b.post(`${location}/edit`, asForm({ ...input, ...change }))
    expect([saved.statusCode, saved.headers.location]).toEqual([303, location])
    const id = Number(location.split('/').pop())
    expect((await app.inject(location)).json().data).toMatchObject({{changeExpected}})
  })

{{invalidFormTest}}  it('refuses a form post without its CSRF token', async () => {
    const { app } = await migratedApp()
    const res = await browser(app).post('/{{plural}}/new', {}, false)
    expect(res.statusCode).toBe(403)
  })
})
