import { sql, type Expression, type Kysely, type SqlBool } from 'kysely'
import { AUTOMATIC_COLUMNS, type AnyModel } from '../model/define-model.js'
import { sqlDialectOf } from '../sql/sql-dialects.js'
import type { SqlDatabase } from '../sql/sql-types.js'
import type {
  Crud,
  CursorPage,
  CursorQuery,
  IntegerColumn,
  Page,
  PageQuery,
  ReadOptions,
} from './crud.js'
import {
  byId,
  checkAffected,
  checkId,
  checkIncrement,
  checkRestorable,
  cursorPageOf,
  deletedById,
  foundOr404,
  hidesDeleted,
  mapDbErrors,
  pageOf,
  parseCursorQuery,
  parsePageQuery,
} from './crud-checks.js'
import { resolveCrudOptions, type CrudOptions, type ResolvedCrudOptions } from './crud-options.js'
import type { ModelFilter } from './filter-types.js'
import { parseFilter, type Condition } from './query-validation.js'
import { rowFromDb, rowToDb } from './sql-values.js'
import { insertValues, insertValuesMany, updateValues } from './crud-input.js'
import { afterCursor, whereAll, type AnyDB, type EB } from './sql-where.js'

/**
 * {@link Crud} for one model on a SQL database: input is validated against the model before any
 * query; unknown filter or sort fields are a 422, never SQL; every value is a bound parameter.
 * Soft-delete aware when the model has `softDelete`. Options are validated at construction
 * (`MEGA_CONFIG_INVALID` listing every problem).
 */
export class ModelCrud<M extends AnyModel> implements Crud<M> {
  readonly model: M
  readonly #db: SqlDatabase
  readonly #clock: () => Date
  readonly #paging: ResolvedCrudOptions

  constructor(model: M, db: SqlDatabase, options?: CrudOptions) {
    const o = resolveCrudOptions(options, model)
    this.model = model
    this.#db = db
    this.#clock = o.clock ?? (() => new Date())
    this.#paging = o
  }

  get #k(): Kysely<AnyDB> {
    return this.#db.kysely<AnyDB>()
  }

  #run<T>(fn: () => Promise<T>): Promise<T> {
    return mapDbErrors(this.#db, fn)
  }

  #row(raw: Record<string, unknown>): M['$select'] {
    return rowFromDb(this.model.columns, raw, this.#db.dialect)
  }

  #soft(withDeleted: boolean | undefined): boolean {
    return hidesDeleted(this.model, withDeleted)
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
    const { conditions, sort, page, perPage } = parsePageQuery(this.model, query, this.#paging)
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
      return pageOf(
        rows.map((r) => this.#row(r)),
        total,
        page,
        perPage,
      )
    })
  }

  /** Rows after `cursor` in sort order (keyset paging: stable under inserts, no offset scans). */
  async listByCursor(query: CursorQuery<M> = {}): Promise<CursorPage<M['$select']>> {
    const { conditions, sort, limit, after } = parseCursorQuery(this.model, query, this.#paging)
    return this.#run(async () => {
      let q = this.#select(conditions, query.withDeleted).selectAll()
      if (after !== undefined)
        q = q.where((eb) => afterCursor(eb, sort, after, this.model.columns, this.#db.dialect))
      for (const key of sort) q = q.orderBy(key.field, key.desc ? 'desc' : 'asc')
      const rows = (await q.limit(limit + 1).execute()).map((r) => this.#row(r))
      return cursorPageOf(rows, limit, sort)
    })
  }

  /** The row with this id, or `undefined`. */
  async find(id: M['$idType'], options: ReadOptions = {}): Promise<M['$select'] | undefined> {
    checkId(this.model, id)
    const conditions: Condition[] = [byId(this.model, id)]
    const row = await this.#run(() =>
      this.#select(conditions, options.withDeleted).selectAll().executeTakeFirst(),
    )
    return row === undefined ? undefined : this.#row(row)
  }

  /** The row with this id; `MEGA_CRUD_NOT_FOUND` (404) when there is none. */
  async get(id: M['$idType'], options: ReadOptions = {}): Promise<M['$select']> {
    return foundOr404(this.model, id, await this.find(id, options))
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
    checkId(this.model, id)
    const values = updateValues(this.model, input, this.#clock())
    const conditions: Condition[] = [byId(this.model, id)]
    const result = await this.#run(() =>
      this.#k
        .updateTable(this.model.table)
        .set(rowToDb(this.model.columns, values, this.#db.dialect))
        .where((eb) =>
          whereAll(eb, conditions, this.model.columns, this.#db.dialect, this.#soft(false)),
        )
        .executeTakeFirst(),
    )
    checkAffected(this.model, id, result.numUpdatedRows)
    return this.get(id)
  }

  /** Adds `by` to an integer column in one statement (see {@link Crud.increment}). */
  async increment(id: M['$idType'], column: IntegerColumn<M>, by = 1): Promise<M['$select']> {
    checkId(this.model, id)
    const step = checkIncrement(this.model, column, by)
    const { table, columns, timestamps } = this.model
    const touched = timestamps
      ? rowToDb(columns, { [AUTOMATIC_COLUMNS.updatedAt]: this.#clock() }, this.#db.dialect)
      : {}
    const conditions: Condition[] = [byId(this.model, id)]
    const result = await this.#run(() =>
      this.#k
        .updateTable(table)
        .set({ ...touched, [column]: sql`coalesce(${sql.ref(column)}, 0) + ${step}` })
        .where((eb) => whereAll(eb, conditions, columns, this.#db.dialect, this.#soft(false)))
        .executeTakeFirst(),
    )
    checkAffected(this.model, id, result.numUpdatedRows)
    return this.get(id)
  }

  /** Deletes a row, or marks it deleted when the model has `softDelete` (404 when missing). */
  async remove(id: M['$idType']): Promise<void> {
    checkId(this.model, id)
    const { table, columns, softDelete } = this.model
    const conditions: Condition[] = [byId(this.model, id)]
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
    checkAffected(this.model, id, affected)
  }

  /** Brings back a soft-deleted row (404 when there is no deleted row with this id). */
  async restore(id: M['$idType']): Promise<M['$select']> {
    checkId(this.model, id)
    checkRestorable(this.model)
    const conditions = deletedById(this.model, id)
    const result = await this.#run(() =>
      this.#k
        .updateTable(this.model.table)
        .set({ [AUTOMATIC_COLUMNS.deletedAt]: null })
        .where(whereAllFor(conditions, this.model.columns, this.#db.dialect, false))
        .executeTakeFirst(),
    )
    checkAffected(this.model, id, result.numUpdatedRows)
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
