import type { Kysely } from 'kysely'
import type { MegaError } from '@mega/observe'
import type { MegaAdapter } from '@mega/core'

/** The SQL dialects Mega speaks, as declared once. */
export const SQL_DIALECTS = ['postgres', 'maria', 'sqlite'] as const

/** One of {@link SQL_DIALECTS}. */
export type SqlDialect = (typeof SQL_DIALECTS)[number]

/**
 * What models, CRUD and migrations need of a SQL database: its dialect, a Kysely instance, transactions
 * and error mapping. The adapters of this package implement it; a test may pass its own.
 */
export interface SqlDatabase {
  readonly dialect: SqlDialect
  /**
   * The Kysely instance to query with: inside `transaction()` this is the active transaction (found
   * through AsyncLocalStorage), so code called from a transaction joins it without passing it along.
   */
  kysely<DB = unknown>(): Kysely<DB>
  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws (and the error
   * rethrown, mapped). Nested calls run in a savepoint of the outer transaction.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>
  /** Maps a driver error to a MegaError (409/422/503...) naming the constraint or column. */
  mapError(err: unknown): MegaError
}

/** A SQL database adapter: the adapter contract of `@mega/core` plus {@link SqlDatabase}. */
export interface SqlDbAdapter extends MegaAdapter, SqlDatabase {
  readonly kind: 'db'
}
