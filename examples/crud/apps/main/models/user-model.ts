import { col, defineModel } from '@mega/db'
import { UserLevel } from './user-level-model.js'
import { UserType } from './user-type-model.js'

/**
 * The `users` table. `password_hash` is a self-describing scrypt string (see lib/passwords.ts);
 * it never leaves the service layer (services/user-service.ts maps rows to `PublicUser`).
 */
export const User = defineModel('users', {
  id: col.id(),
  email: col.string(255).unique(),
  name: col.string(100),
  password_hash: col.string(255),
  level_id: col.references(() => UserLevel).onDelete('restrict'),
  type_id: col.references(() => UserType).onDelete('restrict'),
})

export type UserRecord = typeof User.$select
