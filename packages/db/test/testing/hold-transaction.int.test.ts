import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireService, uniqueName } from '@mega/test-utils'
import { createCrud, col, defineModel } from '../../src/index.js'
import { PostgresAdapter } from '../../src/sql/postgres/postgres-adapter.js'
import { withRollback } from '../../src/testing/with-rollback.js'

const pg = await requireService('postgres')
const table = uniqueName('held_notes')
const Note = defineModel(table, { id: col.id(), text: col.string(100) }, { timestamps: false })

describe.runIf(pg.available)('holdTransaction (PostgreSQL)', () => {
  const db = new PostgresAdapter('db', { url: pg.url ?? '' })
  const count = async () => (await createCrud(Note, db).list()).total

  beforeAll(async () => {
    await db.connect()
    await sql`create table ${sql.id(table)} (id serial primary key, text varchar(100) not null)`.execute(
      db.kysely(),
    )
  })
  afterAll(async () => {
    await sql`drop table if exists ${sql.id(table)}`.execute(db.kysely())
    await db.disconnect()
  })

  it('holds every query, nested transactions included, until rollback undoes them', async () => {
    const held = await db.holdTransaction()
    await createCrud(Note, db).create({ text: 'a' })
    // Another async context (no ALS scope) still joins the held transaction.
    await new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        db.transaction(() => createCrud(Note, db).create({ text: 'b' })).then(
          () => resolve(),
          reject,
        )
      }),
    )
    await expect(db.transaction(() => Promise.reject(new Error('undo c')))).rejects.toThrow(
      'undo c',
    )
    expect(await count()).toBe(2)
    await expect(db.holdTransaction()).rejects.toMatchObject({ code: 'MEGA_DB_TEST_INVALID' })
    await held.rollback()
    expect(await count()).toBe(0)
    await held.rollback() // idempotent
  })

  it('withRollback(app) refuses an app without a SQL adapter', async () => {
    const app = { runtime: { config: { apps: [] }, adapters: { adapters: new Map() } } }
    await expect(withRollback(app)).rejects.toMatchObject({ code: 'MEGA_DB_TEST_INVALID' })
  })
})
