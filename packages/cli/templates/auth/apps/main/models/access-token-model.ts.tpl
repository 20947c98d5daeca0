import { z } from 'zod'
import { col, defineModel } from '@mega/db'
import { User } from './user-model.js'

/**
 * The `access_tokens` table: the JSON API's bearer tokens (`mat_<id>.<secret>`, made at
 * `POST /api/auth/login`). Only the SHA-256 of the secret is stored, so a leaked table cannot be
 * replayed; logout deletes the row, deleting a user deletes their tokens.
 */
export const AccessToken = defineModel('access_tokens', {
  id: col.id(),
  user_id: col
    .references(() => User)
    .onDelete('cascade')
    .index(),
  token_hash: col.string(64),
  abilities: col.json(z.array(z.string())),
  name: col.string(200).nullable(),
  issued_at: col.timestamp(),
  expires_at: col.timestamp().index(),
  last_used_at: col.timestamp().nullable(),
})

export type AccessTokenRow = typeof AccessToken.$select
