import { describe, expect, it } from 'vitest'
import { createMongoCrud, defineFactory, type MongoDbAdapter } from '@mega/db'
import { Note } from '../apps/main/models/note-model.js'
import { mongoTestApp, withMongo } from './mongo-test-app.js'

/** Notes for tests: `notes.build()` in memory. */
const notes = defineFactory(Note, (seq) => ({ text: `Note ${seq}` }))

describe('Note model', () => {
  it('validates what a note needs', () => {
    expect(Note.schemas.create.safeParse(notes.build()).success).toBe(true)
    expect(Note.schemas.create.safeParse({}).success).toBe(false)
  })

  withMongo('stores notes in MongoDB (a database of the test, dropped after it)', async () => {
    const app = await mongoTestApp()
    const crud = createMongoCrud(Note, app.runtime.adapters.get<MongoDbAdapter>('db'))
    for (const note of notes.buildMany(2)) await crud.create(note)
    expect((await crud.list()).total).toBe(2)
  })
})
