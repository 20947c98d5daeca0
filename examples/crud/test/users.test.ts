import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { bootApp, dbOf, signUp } from './helpers/crud-app.js'

describe('users', () => {
  it('creates a wallet with every user', async () => {
    const app = await bootApp()
    const user = await signUp(app)
    const wallet = await app.inject({ url: `/users/${user.id}/wallet`, headers: user.auth })
    expect(wallet.statusCode).toBe(200)
    expect(wallet.json().data).toMatchObject({ user_id: user.id, balance: '0.00', currency: 'USD' })
  })

  it('creates the user and the wallet in one transaction', async () => {
    const app = await bootApp()
    await signUp(app)
    // Without the wallets table the wallet insert fails: the user insert must be rolled back too.
    await sql`drop table wallets`.execute(dbOf(app).kysely())
    const res = await app.inject({
      method: 'POST',
      url: '/auth/register',
      payload: { email: 'lost@example.test', password: 'correct horse battery', name: 'Lost' },
    })
    expect(res.statusCode).toBe(500)
    const users = await dbOf(app)
      .kysely<{ users: { email: string } }>()
      .selectFrom('users')
      .select('email')
      .execute()
    expect(users.map((u) => u.email)).not.toContain('lost@example.test')
    expect(users).toHaveLength(1)
  })

  it('lists users a page at a time', async () => {
    const app = await bootApp()
    const first = await signUp(app)
    await signUp(app)
    await signUp(app)
    const page = await app.inject({ url: '/users?page=2&per_page=2', headers: first.auth })
    expect(page.json().data).toMatchObject({ total: 3, page: 2, perPage: 2, pages: 2 })
    expect(page.json().data.items).toHaveLength(1)
    const bad = await app.inject({ url: '/users?per_page=500', headers: first.auth })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().error.details[0].path).toBe('query.per_page')
  })

  it('lets users change themselves, and only staff change others, levels and types', async () => {
    const app = await bootApp()
    process.env.STAFF_EMAILS = 'boss@example.test'
    const boss = await signUp(app, { email: 'boss@example.test' }).finally(() => {
      delete process.env.STAFF_EMAILS
    })
    const ada = await signUp(app)
    const bob = await signUp(app)

    const renamed = await app.inject({
      method: 'PATCH',
      url: `/users/${ada.id}`,
      headers: ada.auth,
      payload: { name: 'Ada L.' },
    })
    expect(renamed.json().data.name).toBe('Ada L.')

    const other = await app.inject({
      method: 'PATCH',
      url: `/users/${bob.id}`,
      headers: ada.auth,
      payload: { name: 'Hacked' },
    })
    expect(other.statusCode).toBe(403)
    expect(other.json().error.code).toBe('CRUD_NOT_OWNER')

    const promote = await app.inject({
      method: 'PATCH',
      url: `/users/${ada.id}`,
      headers: ada.auth,
      payload: { level: 'gold' },
    })
    expect(promote.statusCode).toBe(403)
    expect(promote.json().error.code).toBe('CRUD_STAFF_ONLY')

    const byStaff = await app.inject({
      method: 'PATCH',
      url: `/users/${ada.id}`,
      headers: boss.auth,
      payload: { level: 'gold', type: 'bot' },
    })
    expect(byStaff.json().data).toMatchObject({ level: { code: 'gold' }, type: { code: 'bot' } })

    const unknown = await app.inject({
      method: 'PATCH',
      url: `/users/${ada.id}`,
      headers: boss.auth,
      payload: { level: 'platinum' },
    })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().error.details).toEqual([
      { path: 'body.level', message: 'unknown level "platinum"' },
    ])

    const wallet = await app.inject({ url: `/users/${bob.id}/wallet`, headers: ada.auth })
    expect(wallet.statusCode).toBe(403)
    expect(
      (await app.inject({ url: `/users/${bob.id}/wallet`, headers: boss.auth })).statusCode,
    ).toBe(200)
  })

  it('deletes a user with their wallet and sessions', async () => {
    const app = await bootApp()
    const keeper = await signUp(app)
    const leaver = await signUp(app)
    const gone = await app.inject({
      method: 'DELETE',
      url: `/users/${leaver.id}`,
      headers: leaver.auth,
    })
    expect(gone.json()).toEqual({ ok: true, data: { deleted: leaver.id } })
    expect((await app.inject({ url: '/auth/me', headers: leaver.auth })).statusCode).toBe(401)
    const missing = await app.inject({ url: `/users/${leaver.id}`, headers: keeper.auth })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().error.code).toBe('MEGA_CRUD_NOT_FOUND')
    const wallets = await dbOf(app)
      .kysely<{ wallets: { user_id: number } }>()
      .selectFrom('wallets')
      .select('user_id')
      .execute()
    expect(wallets).toEqual([{ user_id: keeper.id }])
  })
})
