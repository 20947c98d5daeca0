import { col, defineModel } from '@mega/db'
import { Board } from './board-model.js'
import { User } from './user-model.js'

/** The `notes` table: a note on a board, written by one user (its author). */
export const Note = defineModel('notes', {
  id: col.id(),
  board_id: col
    .references(() => Board)
    .onDelete('cascade')
    .index(),
  author_id: col
    .references(() => User)
    .onDelete('cascade')
    .index(),
  title: col.string(200),
  body: col.text(),
  /** An optional web link (http or https only: the route's schema is `z.httpUrl()`). */
  link: col.string(2048).nullable(),
})

export type NoteRecord = typeof Note.$select
