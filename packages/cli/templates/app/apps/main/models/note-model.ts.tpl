import { col, defineModel } from '@mega/db'

/** The `notes` table: its row types, create/update schemas and CRUD come from this definition. */
export const Note = defineModel('notes', {
  id: col.id(),
  text: col.string(500),
})

export type NoteRecord = typeof Note.$select
