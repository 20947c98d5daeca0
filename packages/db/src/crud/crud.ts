import type { AnyModel } from '../model/define-model.js'
import type { ModelFilter, SortSpec } from './filter-types.js'

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
 * CRUD for one model, whatever the database: SQL {@link ModelCrud} and Mongo
 * {@link MongoModelCrud} both implement it, with the same rules. Input is validated against the
 * model before any query (create/update failures are `MEGA_VALIDATION_FAILED`, 422); an unknown
 * filter or sort field, an unknown operator, a bad value, page, limit or cursor is
 * `MEGA_CRUD_INVALID_QUERY` (422); a missing id is `MEGA_CRUD_NOT_FOUND` (404). Soft-delete aware
 * when the model has `softDelete`. Hold an app's CRUD by this type so the code does not change when
 * the database does.
 *
 * @example
 * // SQL or Mongo: the same type, the same calls
 * const users: Crud<typeof User> = createCrud(User, ctx.db<SqlDbAdapter | MongoDbAdapter>())
 * const page = await users.list({ filter: { age: { gte: 18 } }, sort: ['-created_at'], perPage: 20 })
 */
/** The columns of a model whose values are numbers (its `integer` columns; `id` is refused at run time). */
export type IntegerColumn<M extends AnyModel> = {
  [K in keyof M['$select']]-?: M['$select'][K] extends number | null ? K : never
}[keyof M['$select']] &
  string

export interface Crud<M extends AnyModel> {
  /** The model this CRUD reads and writes. */
  readonly model: M
  /** One page of rows, with the total matching the filter (`perPage` 1 to `maxPerPage`). */
  list(query?: PageQuery<M>): Promise<Page<M['$select']>>
  /** Rows after `cursor` in sort order (keyset paging: stable under inserts, no offset scans). */
  listByCursor(query?: CursorQuery<M>): Promise<CursorPage<M['$select']>>
  /** The row with this id, or `undefined`. */
  find(id: M['$idType'], options?: ReadOptions): Promise<M['$select'] | undefined>
  /** The row with this id; `MEGA_CRUD_NOT_FOUND` (404) when there is none. */
  get(id: M['$idType'], options?: ReadOptions): Promise<M['$select']>
  /** Validates and inserts one row; resolves the stored row. */
  create(input: M['$insert']): Promise<M['$select']>
  /** Validates every input first (issues as `[i].field`), then inserts them all. */
  createMany(inputs: readonly M['$insert'][]): Promise<M['$select'][]>
  /** Validates and applies a partial update; resolves the updated row (404 when missing). */
  update(id: M['$idType'], input: M['$update']): Promise<M['$select']>
  /**
   * Adds `by` (a whole number, negative to subtract; default 1) to an integer column in one atomic
   * statement (`set n = coalesce(n, 0) + by`: no lost update between concurrent callers), touching
   * `updated_at`; resolves the updated row (404 when missing, 422 for a column that is not an
   * integer or a `by` that is not a whole number).
   */
  increment(id: M['$idType'], column: IntegerColumn<M>, by?: number): Promise<M['$select']>
  /** Deletes a row, or marks it deleted when the model has `softDelete` (404 when missing). */
  remove(id: M['$idType']): Promise<void>
  /** Brings back a soft-deleted row (404 when there is no deleted row with this id). */
  restore(id: M['$idType']): Promise<M['$select']>
  /** How many rows match the filter. */
  count(filter?: ModelFilter<M['$select']>, options?: ReadOptions): Promise<number>
  /** Whether any row matches the filter. */
  exists(filter?: ModelFilter<M['$select']>, options?: ReadOptions): Promise<boolean>
}
