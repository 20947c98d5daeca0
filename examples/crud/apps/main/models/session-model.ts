import { col, defineModel } from '@mega/db'
import { User } from './user-model.js'

/**
 * The `sessions` table: one row per login. Only the SHA-256 of the bearer token is stored, so a
 * leaked table cannot be replayed; logout deletes the row.
 */
export const Session = defineModel('sessions', {
  id: col.id(),
  user_id: col
    .references(() => User)
    .onDelete('cascade')
    .index(),
  token_hash: col.string(64).unique(),
  expires_at: col.timestamp().index(),
})

export type SessionRecord = typeof Session.$select
