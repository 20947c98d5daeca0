import { col, defineModel } from '@mega/db'

/**
 * The `users` table (`created_at`/`updated_at` come with every model). `email` is stored trimmed and
 * lower-cased, one account per address; `password_hash` is a self-describing scrypt string
 * (`$scrypt$ln=...`, see lib/passwords.ts) that never leaves services/auth-service.ts.
 */
export const User = defineModel('users', {
  id: col.id(),
  email: col.string(255).unique(),
  password_hash: col.string(255),
})

export type UserRecord = typeof User.$select
