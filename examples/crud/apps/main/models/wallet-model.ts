import { col, defineModel } from '@mega/db'
import { User } from './user-model.js'

/** The `wallets` table: one per user, created with the user. `balance` is an exact decimal string. */
export const Wallet = defineModel('wallets', {
  id: col.id(),
  user_id: col
    .references(() => User)
    .onDelete('cascade')
    .unique(),
  balance: col.decimal(18, 2).default('0.00'),
  currency: col.string(3).default('USD'),
})

export type WalletRecord = typeof Wallet.$select
