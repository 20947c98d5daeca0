import { col, defineModel } from '@mega/db'

/** The `user_types` lookup table (seeded by a migration): what kind of account a user has. */
export const UserType = defineModel('user_types', {
  id: col.id(),
  code: col.string(32).unique(),
  name: col.string(100),
})

export type UserTypeRecord = typeof UserType.$select
