import { col, defineModel } from '@mega/db'
import { User } from './user-model.js'

/** The `boards` table: a titled board owned by one user. */
export const Board = defineModel('boards', {
  id: col.id(),
  owner_id: col
    .references(() => User)
    .onDelete('cascade')
    .index(),
  title: col.string(200),
})

export type BoardRecord = typeof Board.$select
