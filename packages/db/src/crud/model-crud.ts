import type { Expression, Kysely, SqlBool } from 'kysely'
import { MegaError } from '@mega/observe'
import { AUTOMATIC_COLUMNS, type AnyModel } from '../model/define-model.js'
import { sqlDialectOf } from '../sql/sql-dialects.js'
import type { SqlDatabase } from '../sql/sql-types.js'
import { encodeCursor, parseCursor } from './cursor.js'
import type { ModelFilter, SortSpec } from './filter-types.js'
import {
  invalidQuery,
  notFound,
  parseFilter,
  parsePaging,
  parseSort,
  type Condition,
} from './query-validation.js'
import { rowFromDb, rowToDb } from './sql-values.js'
import { insertValues, insertValuesMany, updateValues } from './crud-input.js'
import { afterCursor, whereAll, type AnyDB, type EB } from './sql-where.js'

/** Options of {@link createCrud}. */
export interface CrudOptions {
  /** The clock for timestamps and soft deletes. @default () => new Date() */
  readonly clock?: () => Date
  /** @default 20 */
  readonly defaultPerPage?: number
  /** @default 100 */
  readonly maxPerPage?: number
}

/** What `list` and `listByCursor` filter and sort on. */
export interface ListQuery<M extends AnyModel> {
  readonly filter?: ModelFilter<M['$select']>
  readonly sort?: SortSpec<keyof M['$select'] & string>
  /** Include soft-deleted rows. @default false */
  readonly withDeleted?: boolean
}

/** Page-number paging: `page` from 1, `perPage` rows. */
export interface PageQuery<M extends AnyModel> extends ListQuery<M> {
  readonly page?: number
  readonly perPage?: number
}

/** Cursor paging: pass back `nextCursor` to get the following rows. */
export interface CursorQuery<M extends AnyModel> extends ListQuery<M> {
  readonly cursor?: string | null
  readonly limit?: number
}

/** One page of rows with the total that matches the filter. */
export interface Page<T> {
  readonly items: T[]
  readonly total: number
  readonly page: number
  readonly perPage: number
  readonly pages: number
}

/** Rows after a cursor; `nextCursor` is null on the last page. */
export interface CursorPage<T> {
  readonly items: T[]
  readonly nextCursor: string | null
}

/** Option of `get`, `count`, `exists`. */
export interface ReadOptions {
  readonly withDeleted?: boolean
}

/**
 * CRUD for one model on a SQL database: input is validated against the model before any query;
 * unknown filter or sort fields are a 422, never SQL; every value is a bound parameter. Soft-delete
 * aware when the model has `softDelete`.
 */
export class ModelCrud<M extends AnyModel> {
  readonly model: M
  readonly #db: SqlDatabase
  readonly #clock: () => Date
  readonly #paging: { perPage: number; maxPerPage: number }

  constructor(model: M, db: SqlDatabase, options: CrudOptions = {}) {
    this.model = model
    this.#db = db
    this.#clock = options.clock ?? (() => new Date())
    this.#paging = { perPage: options.defaultPerPage ?? 20, maxPerPage: options.maxPerPage ?? 100 }
  }

  get #k(): Kysely<AnyDB> {
    return this.#db.kysely<AnyDB>()
  }

  async #run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      throw MegaError.is(err) ? err : this.#db.mapError(err)
    }
  }

  #row(raw: Record<string, unknown>): M['$select'] {
    return rowFromDb(this.model.columns, raw, this.#db.dialect)
  }

  #soft(withDeleted: boolean | undefined): boolean {
    return this.model.softDelete && withDeleted !== true
  }

  #checkId(id: unknown): void {
    const schema = this.model.schemas.fields[this.model.primaryKey]
    if (schema?.safeParse(id).success !== true)
      throw invalidQuery([
        {
          path: this.model.primaryKey,
          message: `${JSON.stringify(id)} is not a valid ${this.model.primaryKey}`,
        },
      ])
  }

  #notFound(id: unknown): MegaError {
    return notFound(this.model, id)
  }

  #select(conditions: readonly Condition[], withDeleted: boolean | undefined) {
    const { columns, table } = this.model
    const soft = this.#soft(withDeleted)
    const query = this.#k.selectFrom(table)
    // No `where 1 = 1` for an empty filter: SQLite then scans for count(*) (apps/bench crud-overhead).
    if (conditions.length === 0 && !soft) return query
    return query.where((eb) => whereAll(eb, conditions, columns, this.#db.dialect, soft))
  }

  /** One page of rows, with the total matching the filter. */
  async list(query: PageQuery<M> = {}): Promise<Page<M['$select']>> {
    const conditions = parseFilter(this.model, query.filter)
    const sort = parseSort(this.model, query.sort)
    const { page, perPage } = parsePaging(this.model, query.page, query.perPage, this.#paging)
    return this.#run(async () => {
      let q = this.#select(conditions, query.withDeleted).selectAll()
      for (const key of sort) q = q.orderBy(key.field, key.desc ? 'desc' : 'asc')
      const [rows, total] = await Promise.all([
        q
          .limit(perPage)
          .offset((page - 1) * perPage)
          .execute(),
        this.#countWhere(conditions, query.withDeleted),
      ])
      return {
        items: rows.map((r) => this.#row(r)),
        total,
        page,
        perPage,
        pages: Math.ceil(total / perPage),
      }
    })
  }

  /** Rows after `cursor` in sort order (keyset paging: stable under inserts, no offset scans). */
  async listByCursor(query: CursorQuery<M> = {}): Promise<CursorPage<M['$select']>> {
    const conditions = parseFilter(this.model, query.filter)
    const sort = parseSort(this.model, query.sort)
    const nullable = sort.find((k) => this.model.columns[k.field]?.nullable === true)
    if (nullable !== undefined)
      throw invalidQuery([
        { path: 'sort', message: `cursor paging cannot sort by nullable "${nullable.field}"` },
      ])
    const { perPage: limit } = parsePaging(this.model, 1, query.limit, this.#paging)
    const after =
      query.cursor == null
        ? undefined
        : parseCursor(
            this.model,
            sort.map((k) => k.field),
            query.cursor,
          )
    return this.#run(async () => {
      let q = this.#select(conditions, query.withDeleted).selectAll()
      if (after !== undefined)
        q = q.where((eb) => afterCursor(eb, sort, after, this.model.columns, this.#db.dialect))
      for (const key of sort) q = q.orderBy(key.field, key.desc ? 'desc' : 'asc')
      const rows = (await q.limit(limit + 1).execute()).map((r) => this.#row(r))
      const items = rows.slice(0, limit)
      const last = items.at(-1)
      const nextCursor =
        rows.length > limit && last !== undefined
          ? encodeCursor(sort.map((k) => last[k.field]))
          : null
      return { items, nextCursor }
    })
  }

  /** The row with this id, or `undefined`. */
  async find(id: M['$idType'], options: ReadOptions = {}): Promise<M['$select'] | undefined> {
    this.#checkId(id)
    const conditions: Condition[] = [{ field: this.model.primaryKey, op: 'eq', value: id }]
    const row = await this.#run(() =>
      this.#select(conditions, options.withDeleted).selectAll().executeTakeFirst(),
    )
    return row === undefined ? undefined : this.#row(row)
  }

  /** The row with this id; `MEGA_CRUD_NOT_FOUND` (404) when there is none. */
  async get(id: M['$idType'], options: ReadOptions = {}): Promise<M['$select']> {
    const row = await this.find(id, options)
    if (row === undefined) throw this.#notFound(id)
    return row
  }

  #prepareInsert(input: unknown, now: Date): Record<string, unknown> {
    return rowToDb(this.model.columns, insertValues(this.model, input, now), this.#db.dialect)
  }

  async #insert(rows: Record<string, unknown>[]): Promise<M['$select'][]> {
    if (sqlDialectOf(this.#db.dialect).supportsReturning) {
      const inserted = await this.#k
        .insertInto(this.model.table)
        .values(rows)
        .returningAll()
        .execute()
      return inserted.map((r) => this.#row(r))
    }
    // MariaDB has no RETURNING on Kysely's MySQL compiler: insert each row, read them back, in one
    // transaction (a savepoint when the caller already has one).
    return this.#db.transaction(async () => {
      const ids: unknown[] = []
      for (const row of rows) {
        const result = await this.#k
          .insertInto(this.model.table)
          .values(row)
          .executeTakeFirstOrThrow()
        ids.push(row[this.model.primaryKey] ?? Number(result.insertId))
      }
      const found = await this.#k
        .selectFrom(this.model.table)
        .selectAll()
        .where(this.model.primaryKey, 'in', ids)
        .execute()
      const byId = new Map(found.map((r) => [String(r[this.model.primaryKey]), this.#row(r)]))
      return ids.map((id) => byId.get(String(id)) as M['$select'])
    })
  }

  /** Validates and inserts one row; resolves the stored row. */
  async create(input: M['$insert']): Promise<M['$select']> {
    const row = this.#prepareInsert(input, this.#clock())
    const [created] = await this.#run(() => this.#insert([row]))
    return created as M['$select']
  }

  /** Validates every input first (issues as `[i].field`), then inserts all in one statement. */
  async createMany(inputs: readonly M['$insert'][]): Promise<M['$select'][]> {
    if (inputs.length === 0) return []
    const rows = insertValuesMany(this.model, inputs, this.#clock()).map((r) =>
      rowToDb(this.model.columns, r, this.#db.dialect),
    )
    return this.#run(() => this.#insert(rows))
  }

  /** Validates and applies a partial update; resolves the updated row (404 when missing). */
  async update(id: M['$idType'], input: M['$update']): Promise<M['$select']> {
    this.#checkId(id)
    const values = updateValues(this.model, input, this.#clock())
    const conditions: Condition[] = [{ field: this.model.primaryKey, op: 'eq', value: id }]
    const result = await this.#run(() =>
      this.#k
        .updateTable(this.model.table)
        .set(rowToDb(this.model.columns, values, this.#db.dialect))
        .where((eb) =>
          whereAll(eb, conditions, this.model.columns, this.#db.dialect, this.#soft(false)),
        )
        .executeTakeFirst(),
    )
    if (result.numUpdatedRows === 0n) throw this.#notFound(id)
    return this.get(id)
  }

  /** Deletes a row, or marks it deleted when the model has `softDelete` (404 when missing). */
  async remove(id: M['$idType']): Promise<void> {
    this.#checkId(id)
    const { table, columns, softDelete, primaryKey } = this.model
    const conditions: Condition[] = [{ field: primaryKey, op: 'eq', value: id }]
    const where = whereAllFor(conditions, columns, this.#db.dialect, softDelete)
    const affected = await this.#run(async () => {
      if (softDelete) {
        const set = rowToDb(
          columns,
          { [AUTOMATIC_COLUMNS.deletedAt]: this.#clock() },
          this.#db.dialect,
        )
        return (await this.#k.updateTable(table).set(set).where(where).executeTakeFirst())
          .numUpdatedRows
      }
      return (await this.#k.deleteFrom(table).where(where).executeTakeFirst()).numDeletedRows
    })
    if (affected === 0n) throw this.#notFound(id)
  }

  /** Brings back a soft-deleted row (404 when there is no deleted row with this id). */
  async restore(id: M['$idType']): Promise<M['$select']> {
    this.#checkId(id)
    if (!this.model.softDelete)
      throw invalidQuery([
        { path: 'restore', message: `${this.model.table} has no softDelete: nothing to restore` },
      ])
    const conditions: Condition[] = [
      { field: this.model.primaryKey, op: 'eq', value: id },
      { field: AUTOMATIC_COLUMNS.deletedAt, op: 'isNull', value: false },
    ]
    const result = await this.#run(() =>
      this.#k
        .updateTable(this.model.table)
        .set({ [AUTOMATIC_COLUMNS.deletedAt]: null })
        .where(whereAllFor(conditions, this.model.columns, this.#db.dialect, false))
        .executeTakeFirst(),
    )
    if (result.numUpdatedRows === 0n) throw this.#notFound(id)
    return this.get(id)
  }

  async #countWhere(
    conditions: readonly Condition[],
    withDeleted: boolean | undefined,
  ): Promise<number> {
    const row = await this.#select(conditions, withDeleted)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  /** How many rows match the filter. */
  async count(filter?: ModelFilter<M['$select']>, options: ReadOptions = {}): Promise<number> {
    const conditions = parseFilter(this.model, filter)
    return this.#run(() => this.#countWhere(conditions, options.withDeleted))
  }

  /** Whether any row matches the filter. */
  async exists(filter?: ModelFilter<M['$select']>, options: ReadOptions = {}): Promise<boolean> {
    const conditions = parseFilter(this.model, filter)
    const row = await this.#run(() =>
      this.#select(conditions, options.withDeleted)
        .select(this.model.primaryKey)
        .limit(1)
        .executeTakeFirst(),
    )
    return row !== undefined
  }
}

function whereAllFor(
  conditions: readonly Condition[],
  columns: AnyModel['columns'],
  dialect: SqlDatabase['dialect'],
  softDelete: boolean,
): (eb: EB) => Expression<SqlBool> {
  return (eb) => whereAll(eb, conditions, columns, dialect, softDelete)
}
