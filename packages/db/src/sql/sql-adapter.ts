import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import { Kysely, sql, type ControlledTransaction, type Dialect } from 'kysely'
import { BaseAdapter, type AdapterHealth, type AdapterMetricsSink } from '@mega/core'
import { MegaError } from '@mega/observe'
import { dbError } from '../errors.js'
import { instrumentDialect } from './instrument/instrument-dialect.js'
import { registerPoolMetrics, type SqlPoolStats } from './instrument/sql-pool-metrics.js'
import { createQueryRecorder } from './instrument/sql-query-recorder.js'
import type { SqlDbAdapter, SqlDialect } from './sql-types.js'

/** The error codes a SQL error mapper produces. */
export type SqlErrorCode =
  | 'MEGA_DB_CONFLICT'
  | 'MEGA_DB_FOREIGN_KEY'
  | 'MEGA_DB_NOT_NULL'
  | 'MEGA_DB_CHECK'
  | 'MEGA_DB_UNAVAILABLE'
  | 'MEGA_DB_QUERY_FAILED'

/** What a dialect's error mapper found in a driver error: the code and the names involved. */
export interface SqlErrorFacts {
  readonly code: SqlErrorCode
  readonly constraint?: string | undefined
  readonly column?: string | undefined
  readonly table?: string | undefined
  /** A short reason for unavailable or failed queries (the driver's code or message). */
  readonly reason?: string | undefined
}

/**
 * Reads a driver error: its facts when it comes from the database driver, `undefined` for anything
 * else (a bug in the caller's code stays what it is).
 */
export type SqlErrorClassifier = (err: unknown) => SqlErrorFacts | undefined

/** Seams of {@link MegaSqlAdapter}, with real defaults. */
export interface SqlAdapterSeams {
  /** Monotonic clock in ms for health latency. @default performance.now */
  readonly now?: () => number
  /**
   * The app's metrics: query durations and errors, and the pool's usage where the driver shows it.
   * The app's adapter manager passes its own. Spans are opened either way (global tracer).
   * @default undefined (no metrics)
   */
  readonly metrics?: AdapterMetricsSink
}

/** Node socket and DNS codes that mean the server cannot be reached. */
export const NETWORK_ERROR_CODES: readonly string[] = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
]

/** `host:port/database` of a url or the fields, without user or password. */
export function describeServer(
  options: { readonly url?: string | undefined; readonly host?: string | undefined },
  fields: { readonly port?: number | undefined; readonly database?: string | undefined },
  defaultPort: number,
): string {
  if (options.url === undefined)
    return `${options.host ?? '?'}:${fields.port ?? defaultPort}/${fields.database ?? ''}`
  try {
    const url = new URL(options.url)
    return `${url.hostname}:${url.port || defaultPort}${url.pathname}`
  } catch {
    return 'the configured url'
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function describeMessage(dialect: SqlDialect, f: SqlErrorFacts, cause: unknown): string {
  const where = f.table === undefined ? '' : ` in ${f.table}`
  const con = f.constraint === undefined ? '' : ` (constraint ${f.constraint})`
  const reason = f.reason ?? messageOf(cause)
  switch (f.code) {
    case 'MEGA_DB_CONFLICT':
      return `A row with the same ${f.column ?? 'key'} already exists${where}${con}: use a different value or update the existing row.`
    case 'MEGA_DB_FOREIGN_KEY':
      return `A foreign key${where}${con} does not hold: reference a row that exists, or first remove the rows that reference this one.`
    case 'MEGA_DB_NOT_NULL':
      return `${f.column ?? 'A column'}${where} cannot be null: give it a value.`
    case 'MEGA_DB_CHECK':
      return `A value${where} breaks a check${con}: give a value the constraint allows.`
    case 'MEGA_DB_UNAVAILABLE':
      return `The ${dialect} database is unavailable (${reason}): check that the server runs and the connection options are right, then retry.`
    case 'MEGA_DB_QUERY_FAILED':
      return `The ${dialect} query failed (${reason}): check the SQL and the values it uses.`
  }
}

/**
 * Builds the MegaError for mapped facts: the code's HTTP status, `details` naming the constraint,
 * column and table that are known, and the driver error as `cause`.
 *
 * @example
 * sqlError('postgres', { code: 'MEGA_DB_CONFLICT', table: 'users', column: 'email' }, err)
 */
export function sqlError(dialect: SqlDialect, facts: SqlErrorFacts, cause: unknown): MegaError {
  const details: Record<string, string> = {}
  if (facts.constraint !== undefined) details.constraint = facts.constraint
  if (facts.column !== undefined) details.column = facts.column
  if (facts.table !== undefined) details.table = facts.table
  return dbError(facts.code, describeMessage(dialect, facts, cause), { cause, details })
}

/** Maps anything thrown to a MegaError with `classify`; MegaErrors pass through unchanged. */
export function mapSqlError(
  dialect: SqlDialect,
  classify: SqlErrorClassifier,
  err: unknown,
): MegaError {
  if (MegaError.is(err)) return err
  return sqlError(dialect, classify(err) ?? { code: 'MEGA_DB_QUERY_FAILED' }, err)
}

/** The `ControlledTransaction` type with any savepoint names (they are generated at run time). */
type Trx = ControlledTransaction<unknown, string[]>

interface TxScope {
  readonly trx: Trx
  /** Savepoint counter shared by the whole outer transaction, so names never repeat. */
  readonly counter: { n: number }
  /** Nested transactions of one scope run one after another on its single connection. */
  tail: Promise<unknown>
}

/**
 * The base of the SQL adapters: owns the Kysely instance, transactions (AsyncLocalStorage-scoped,
 * savepoints when nested), health and error mapping. A dialect provides the Kysely `Dialect`, a
 * description of its target (no secrets) and an error classifier.
 *
 * @example
 * const db: MegaSqlAdapter = new SqliteAdapter('db', { filename: ':memory:' })
 * await db.connect()
 * await db.transaction(async () => {
 *   await db.kysely<Database>().insertInto('users').values(user).execute()
 * })
 */
export abstract class MegaSqlAdapter extends BaseAdapter implements SqlDbAdapter {
  /** Always `db`. */
  readonly kind = 'db' as const
  /** The SQL dialect this adapter speaks. */
  abstract readonly dialect: SqlDialect
  #kysely: Kysely<unknown> | undefined
  readonly #scopes = new AsyncLocalStorage<TxScope>()
  /** The transaction {@link holdTransaction} keeps open: every query outside a scope joins it. */
  #held: TxScope | undefined
  readonly #now: () => number
  readonly #metrics: AdapterMetricsSink | undefined
  #stopPoolMetrics: (() => void) | undefined

  constructor(driver: string, alias: string, seams: SqlAdapterSeams = {}) {
    super(driver, alias)
    this.#now = seams.now ?? (() => performance.now())
    this.#metrics = seams.metrics
  }

  /** Creates the Kysely dialect (the pool or database handle) for a new connection. */
  protected abstract _createDialect(): Dialect | Promise<Dialect>
  /** Where this adapter connects, for messages: never includes a password. */
  protected abstract _target(): string
  /** Reads a driver error of this dialect. */
  protected abstract _classifyError(err: unknown): SqlErrorFacts | undefined
  /** The pool's usage while connected, when the driver shows it (SQLite has no pool). */
  protected _poolStats(): SqlPoolStats | undefined {
    return undefined
  }

  /**
   * The Kysely instance for hand-written queries; inside {@link transaction} the active transaction.
   *
   * @example
   * const rows = await db.kysely<Database>().selectFrom('users').selectAll().execute()
   */
  kysely<DB = unknown>(): Kysely<DB> {
    const scope = this.#scopes.getStore() ?? this.#held
    return (scope?.trx ?? this.#root()) as unknown as Kysely<DB>
  }

  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws (the error is
   * rethrown, driver errors mapped). A nested call runs in a savepoint of the outer transaction.
   *
   * @example
   * await db.transaction(async () => {
   *   await db.kysely<Database>().insertInto('users').values(user).execute()
   * })
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const scope = this.#scopes.getStore() ?? this.#held
    if (scope === undefined) return this.#outer(fn)
    const run = scope.tail.then(() => this.#nested(scope, fn))
    scope.tail = run.catch(() => undefined)
    return run
  }

  /**
   * Opens one transaction that every later query and {@link transaction} of this adapter joins (a
   * nested `transaction()` becomes a savepoint), whatever its async context, until the returned
   * `rollback()` undoes all of it. For tests (`withRollback()` of `@mega/db/testing`): one at a time
   * (`MEGA_DB_TEST_INVALID` otherwise); a disconnect rolls it back too. SQLite's single connection
   * belongs to it meanwhile, and on MariaDB a DDL statement commits it (use truncation there).
   *
   * @example
   * const held = await db.holdTransaction()
   * await createCrud(Note, db).create({ text: 'gone after rollback' })
   * await held.rollback()
   */
  async holdTransaction(): Promise<{ rollback(): Promise<void> }> {
    if (this.#held !== undefined)
      throw dbError(
        'MEGA_DB_TEST_INVALID',
        `The ${this.alias} database already holds a test transaction: roll it back before holding another.`,
      )
    let trx: Trx
    try {
      trx = await this.#root().startTransaction().execute()
    } catch (err) {
      throw this.#rethrow(err)
    }
    const scope: TxScope = { trx, counter: { n: 0 }, tail: Promise.resolve() }
    this.#held = scope
    return { rollback: () => this.#release(scope) }
  }

  async #release(scope: TxScope): Promise<void> {
    if (this.#held !== scope) return
    this.#held = undefined
    await scope.tail
    if (!scope.trx.isCommitted && !scope.trx.isRolledBack)
      await scope.trx
        .rollback()
        .execute()
        .catch(() => undefined)
  }

  /** Maps a driver error to a MegaError (409/422/503...) naming the constraint, column and table. */
  mapError(err: unknown): MegaError {
    return mapSqlError(this.dialect, (e) => this._classifyError(e), err)
  }

  #root(): Kysely<unknown> {
    if (this.#kysely !== undefined) return this.#kysely
    throw dbError(
      'MEGA_DB_NOT_CONNECTED',
      `The ${this.alias} (${this.driver}) database is not connected: call connect() first (the app does at boot).`,
    )
  }

  /** MegaErrors and foreign errors are rethrown as they are; driver errors are mapped. */
  #rethrow(err: unknown): unknown {
    if (MegaError.is(err)) return err
    const facts = this._classifyError(err)
    return facts === undefined ? err : sqlError(this.dialect, facts, err)
  }

  async #outer<T>(fn: () => Promise<T>): Promise<T> {
    let trx: Trx
    try {
      trx = await this.#root().startTransaction().execute()
    } catch (err) {
      throw this.#rethrow(err)
    }
    let result: T
    try {
      result = await this.#scopes.run({ trx, counter: { n: 0 }, tail: Promise.resolve() }, fn)
      await trx.commit().execute()
    } catch (err) {
      if (!trx.isCommitted)
        await trx
          .rollback()
          .execute()
          .catch(() => undefined)
      throw this.#rethrow(err)
    }
    return result
  }

  async #nested<T>(parent: TxScope, fn: () => Promise<T>): Promise<T> {
    parent.counter.n += 1
    const name = `sp_${parent.counter.n}`
    let trx: Trx
    try {
      trx = await parent.trx.savepoint(name).execute()
    } catch (err) {
      throw this.#rethrow(err)
    }
    try {
      const result = await this.#scopes.run({ ...parent, trx, tail: Promise.resolve() }, fn)
      await trx.releaseSavepoint(name).execute()
      return result
    } catch (err) {
      await trx
        .rollbackToSavepoint(name)
        .execute()
        .catch(() => undefined)
      throw this.#rethrow(err)
    }
  }

  protected async _connect(): Promise<void> {
    let kysely: Kysely<unknown> | undefined
    try {
      kysely = new Kysely<unknown>({ dialect: await this.#instrumentedDialect() })
      await sql`select 1`.execute(kysely)
    } catch (err) {
      await kysely?.destroy().catch(() => undefined)
      // A driver that is not installed says so itself (the package and how to install it).
      if (MegaError.is(err, 'MEGA_DB_DRIVER_MISSING')) throw err
      const reason = this._classifyError(err)?.reason ?? messageOf(err)
      throw dbError(
        'MEGA_DB_UNAVAILABLE',
        `Could not connect the ${this.alias} database (${this.dialect} at ${this._target()}: ${reason}): check that the server runs and the connection options are right.`,
        { cause: err, details: { dialect: this.dialect, target: this._target() } },
      )
    }
    this.#kysely = kysely
    if (this.#metrics !== undefined)
      this.#stopPoolMetrics = registerPoolMetrics(
        this.#metrics,
        { adapter: this.alias, dialect: this.dialect },
        () => this._poolStats(),
      )
  }

  /** The dialect with every statement going through the query seam (span and metrics). */
  async #instrumentedDialect(): Promise<Dialect> {
    const record = createQueryRecorder({
      alias: this.alias,
      dialect: this.dialect,
      metrics: this.#metrics,
      errorType: (err) => this.mapError(err).code,
      now: () => performance.now(),
    })
    return instrumentDialect(await this._createDialect(), record)
  }

  protected async _disconnect(): Promise<void> {
    if (this.#held !== undefined) await this.#release(this.#held)
    this.#stopPoolMetrics?.()
    this.#stopPoolMetrics = undefined
    const kysely = this.#kysely
    this.#kysely = undefined
    await kysely?.destroy()
  }

  protected override async _health(): Promise<AdapterHealth> {
    const started = this.#now()
    try {
      await sql`select 1`.execute(this.#root())
      return { ok: true, latencyMs: Math.round((this.#now() - started) * 100) / 100 }
    } catch (err) {
      return { ok: false, error: this.mapError(err).message }
    }
  }
}
