import { col, defineModel } from '@mega/db'

/** The `user_levels` lookup table (seeded by a migration): how far along a user is. */
export const UserLevel = defineModel('user_levels', {
  id: col.id(),
  code: col.string(32).unique(),
  name: col.string(100),
  sort_order: col.integer().default(0),
})

export type UserLevelRecord = typeof UserLevel.$select
