import { describe, expect, it } from 'vitest'
import { createTestApp } from '@mega/core/testing'
import { createCrud, defineFactory, withRollback, type SqlDbAdapter } from '@mega/db'
import { Note } from '../apps/main/models/note-model.js'

const root = new URL('..', import.meta.url).pathname

/** Notes for tests: `notes.build()` in memory, `notes.create(db)` in the test database. */
const notes = defineFactory(Note, (seq) => ({ text: `Note ${seq}` }))

describe('Note model', () => {
  it('validates what a note needs', () => {
    expect(Note.schemas.create.safeParse(notes.build()).success).toBe(true)
    expect(Note.schemas.create.safeParse({}).success).toBe(false)
  })

  it('stores notes in the test database, rolled back after the test', async () => {
    // The test database: in-memory SQLite, or <name>_test on a server (see README, "Tests").
    const app = await withRollback(await createTestApp({ root }), { root })
    const db = app.runtime.adapters.get<SqlDbAdapter>('db')
    await notes.createMany(db, 2)
    expect((await createCrud(Note, db).list()).total).toBe(2)
  })
})
