import { describe, expect, it } from 'vitest'
import { bootApp, errorPaths, itemsOf, signUp } from './helpers/crud-app.js'

describe('logs on SQLite (a plain table)', () => {
  it('writes log lines and reads them back newest first, by level and time range', async () => {
    const app = await bootApp()
    const user = await signUp(app)
    for (const [level, message] of [
      ['info', 'started'],
      ['error', 'boom'],
      ['info', 'done'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/logs',
        headers: user.auth,
        payload: { level, message, meta: { step: message } },
      })
      expect(res.statusCode, res.body).toBe(201)
      expect(res.json().data).toMatchObject({
        level,
        message,
        user_id: user.id,
        meta: { step: message },
      })
    }
    const all = (await app.inject({ url: '/logs', headers: user.auth })).json().data
    expect(all.total).toBe(3)
    const errors = await app.inject({ url: '/logs?level=error', headers: user.auth })
    expect(itemsOf(errors, 'message')).toEqual(['boom'])

    const service = app.runtime.server.apps[0]!.scope.services.log
    await service.write({
      level: 'warn',
      message: 'last year',
      userId: user.id, // a member reads only their own lines
      at: new Date('2025-03-10T12:00:00Z'),
    })
    const march = await app.inject({
      url: '/logs?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z',
      headers: user.auth,
    })
    expect(itemsOf(march, 'message')).toEqual(['last year'])
    const paged = await app.inject({ url: '/logs?per_page=2&page=2', headers: user.auth })
    expect(paged.json().data).toMatchObject({ total: 4, pages: 2 })
    expect(itemsOf(paged, 'message').at(-1)).toBe('last year')
  })

  it('refuses bad log input and queries with 422', async () => {
    const app = await bootApp()
    const user = await signUp(app)
    const bad = await app.inject({
      method: 'POST',
      url: '/logs',
      headers: user.auth,
      payload: { level: 'loud', message: '' },
    })
    expect(bad.statusCode).toBe(422)
    expect(errorPaths(bad)).toEqual(['body.level', 'body.message'])
    const query = await app.inject({ url: '/logs?from=yesterday', headers: user.auth })
    expect(query.statusCode).toBe(422)
  })

  it('falls back to deleting expired rows, and lists no partitions', async () => {
    const app = await bootApp()
    const services = app.runtime.server.apps[0]!.scope.services
    await services.log.write({
      level: 'info',
      message: 'old',
      at: new Date('2026-01-31T23:59:59Z'),
    })
    await services.log.write({
      level: 'info',
      message: 'kept',
      at: new Date('2026-02-01T00:00:00Z'),
    })
    const now = new Date('2026-05-15T10:00:00Z')
    expect(await services.logPartition.ensure(now, 2)).toEqual({
      storage: 'rows',
      created: [],
      existing: [],
    })
    const pruned = await services.logPartition.prune(now, 3)
    expect(pruned).toEqual({
      storage: 'rows',
      cutoff: new Date('2026-02-01T00:00:00Z'),
      dropped: [],
      deletedRows: 1,
    })
    expect((await services.log.list()).items.map((l) => l.message)).toEqual(['kept'])
    expect(await services.logPartition.list()).toEqual({ storage: 'rows', partitions: [] })
  })

  it('keeps the admin routes for staff', async () => {
    const app = await bootApp()
    const member = await signUp(app)
    const denied = await app.inject({ url: '/admin/log-partitions', headers: member.auth })
    expect(denied.statusCode).toBe(403)
    expect(denied.json().error.code).toBe('CRUD_STAFF_ONLY')
    process.env.STAFF_EMAILS = 'root@example.test'
    const staff = await signUp(app, { email: 'root@example.test' }).finally(() => {
      delete process.env.STAFF_EMAILS
    })
    const listed = await app.inject({ url: '/admin/log-partitions', headers: staff.auth })
    expect(listed.json()).toMatchObject({ ok: true, data: { storage: 'rows', partitions: [] } })
  })
})
