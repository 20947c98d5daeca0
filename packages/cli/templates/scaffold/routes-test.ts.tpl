import { describe, expect, it } from 'vitest'
import { createTestApp } from '@mega/core/testing'
import { {{dbImports}} } from '@mega/db'{{imports}}

const root = new URL('../..', import.meta.url).pathname

/**
 * The app on its test database (vitest.config.ts: in-memory SQLite; PostgreSQL/MariaDB: the
 * `<name>_test` database, created and migrated before the run), every migration applied. Each test
 * runs in a transaction rolled back when it ends (withRollback), so it runs again on any database.
 */
async function migratedApp() {
  const app = await withRollback(await createTestApp({ root }), { root })
  const index = app.runtime.server.routes().find((r) => r.name === '{{plural}}.index')
  return { app, path: index!.path }
}

describe('{{plural}} routes', () => {
  it{{skip}}('create, list, show, update and delete one {{name}}', async () => {
    const { app, path } = await migratedApp(){{seed}}
    const input = {{input}}
    const created = await app.inject({ method: 'POST', url: path, payload: input })
    expect(created.statusCode).toBe(201)
    const { id } = created.json().data
    expect(created.json().data).toMatchObject({{expected}})

    const list = await app.inject(path)
    expect(list.json().data).toMatchObject({ total: 1, items: [{ id }] })
    expect((await app.inject(`${path}/${id}`)).json().data).toMatchObject({ id })

    const change = {{change}}
    const updated = await app.inject({ method: 'PATCH', url: `${path}/${id}`, payload: change })
    expect(updated.statusCode).toBe(200)
    expect(updated.json().data).toMatchObject({{changeExpected}})

    expect((await app.inject({ method: 'DELETE', url: `${path}/${id}` })).statusCode).toBe(200)
    expect((await app.inject(`${path}/${id}`)).statusCode).toBe(404)
  })

{{htmlTest}}  it('refuses input the model does not accept', async () => {
    const { app, path } = await migratedApp()
    const res = await app.inject({ method: 'POST', url: path, payload: { nope: 1 } })
    expect(res.statusCode).toBe(422)
  })
})
