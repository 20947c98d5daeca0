// The rules SQL and Mongo CRUD share, written once: both call these before any query and after
// each write, so a bad id, query, page, cursor or a missing row is refused the same way on both.
import { MegaError } from '@mega/observe'
import type { AnyModel } from '../model/define-model.js'
import { AUTOMATIC_COLUMNS } from '../model/define-model.js'
import { ownProperty } from '../model/own-property.js'
import type { CursorPage, Page } from './crud.js'
import { encodeCursor, parseCursor } from './cursor.js'
import {
  invalidQuery,
  notFound,
  parseFilter,
  parsePaging,
  parseSort,
  type Condition,
  type PagingLimits,
  type SortKey,
} from './query-validation.js'

/** A `list` query as a caller may pass it (every field is checked, whatever its type). */
export interface RawPageQuery {
  readonly filter?: unknown
  readonly sort?: unknown
  readonly page?: unknown
  readonly perPage?: unknown
}

/** A `listByCursor` query as a caller may pass it. */
export interface RawCursorQuery {
  readonly filter?: unknown
  readonly sort?: unknown
  readonly limit?: unknown
  readonly cursor?: string | null
}

/** A validated `list` query. */
export interface ParsedPageQuery {
  readonly conditions: Condition[]
  readonly sort: SortKey[]
  readonly page: number
  readonly perPage: number
}

/** A validated `listByCursor` query; `after` holds the decoded cursor values, one per sort key. */
export interface ParsedCursorQuery {
  readonly conditions: Condition[]
  readonly sort: SortKey[]
  readonly limit: number
  readonly after: unknown[] | undefined
}

/** An id the primary key's schema refuses is a 422 before any query. */
export function checkId(model: AnyModel, id: unknown): void {
  const schema = ownProperty(model.schemas.fields, model.primaryKey)
  if (schema?.safeParse(id).success !== true)
    throw invalidQuery([
      {
        path: model.primaryKey,
        message: `${JSON.stringify(id)} is not a valid ${model.primaryKey}`,
      },
    ])
}

/** `restore` on a model without `softDelete` is a 422. */
export function checkRestorable(model: AnyModel): void {
  if (!model.softDelete)
    throw invalidQuery([
      { path: 'restore', message: `${model.table} has no softDelete: nothing to restore` },
    ])
}

/** Whether reads leave soft-deleted rows out. */
export function hidesDeleted(model: AnyModel, withDeleted: boolean | undefined): boolean {
  return model.softDelete && withDeleted !== true
}

/** The condition "primary key is `id`". */
export function byId(model: AnyModel, id: unknown): Condition {
  return { field: model.primaryKey, op: 'eq', value: id }
}

/** The conditions "primary key is `id` and the row is soft-deleted" (what `restore` updates). */
export function deletedById(model: AnyModel, id: unknown): Condition[] {
  return [byId(model, id), { field: AUTOMATIC_COLUMNS.deletedAt, op: 'isNull', value: false }]
}

/** Filter, sort and paging of `list`, validated (a 422 lists the problems). */
export function parsePageQuery(
  model: AnyModel,
  query: RawPageQuery,
  limits: PagingLimits,
): ParsedPageQuery {
  const conditions = parseFilter(model, query.filter)
  const sort = parseSort(model, query.sort)
  const { page, perPage } = parsePaging(query.page, query.perPage, limits)
  return { conditions, sort, page, perPage }
}

/** Filter, sort, limit and cursor of `listByCursor`, validated; a nullable sort column is a 422. */
export function parseCursorQuery(
  model: AnyModel,
  query: RawCursorQuery,
  limits: PagingLimits,
): ParsedCursorQuery {
  const conditions = parseFilter(model, query.filter)
  const sort = parseSort(model, query.sort)
  const nullable = sort.find((k) => ownProperty(model.columns, k.field)?.nullable === true)
  if (nullable !== undefined)
    throw invalidQuery([
      { path: 'sort', message: `cursor paging cannot sort by nullable "${nullable.field}"` },
    ])
  const { perPage: limit } = parsePaging(1, query.limit, limits, 'limit')
  const fields = sort.map((k) => k.field)
  const after = query.cursor == null ? undefined : parseCursor(model, fields, query.cursor)
  return { conditions, sort, limit, after }
}

/** A page of `items` out of `total`. */
export function pageOf<T>(items: T[], total: number, page: number, perPage: number): Page<T> {
  return { items, total, page, perPage, pages: Math.ceil(total / perPage) }
}

/** The first `limit` of `rows` (fetched `limit + 1`), with a cursor after the last when more follow. */
export function cursorPageOf<T extends object>(
  rows: readonly T[],
  limit: number,
  sort: readonly SortKey[],
): CursorPage<T> {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  const more = rows.length > limit && last !== undefined
  return {
    items,
    nextCursor: more
      ? encodeCursor(sort.map((k) => (last as Record<string, unknown>)[k.field]))
      : null,
  }
}

/** `row`, or `MEGA_CRUD_NOT_FOUND` (404) when there is none. */
export function foundOr404<T>(model: AnyModel, id: unknown, row: T | undefined): T {
  if (row === undefined) throw notFound(model, id)
  return row
}

/** `MEGA_CRUD_NOT_FOUND` (404) when a write by id touched no row. */
export function checkAffected(model: AnyModel, id: unknown, affected: number | bigint): void {
  if (affected === 0 || affected === 0n) throw notFound(model, id)
}

/** Runs a database call; a driver error leaves as the adapter maps it, a MegaError unchanged. */
export async function mapDbErrors<T>(
  db: { mapError(err: unknown): MegaError },
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw MegaError.is(err) ? err : db.mapError(err)
  }
}

/**
 * The column and step of `increment`, checked before any query: an `integer` column of the model
 * (not its key) and a whole `by`; a 422 naming the problem otherwise.
 */
export function checkIncrement(model: AnyModel, column: unknown, by: unknown): number {
  const spec = typeof column === 'string' ? ownProperty(model.columns, column) : undefined
  if (spec?.type !== 'integer' || column === model.primaryKey) {
    const integers = Object.entries(model.columns)
      .filter(([name, c]) => c.type === 'integer' && name !== model.primaryKey)
      .map(([name]) => name)
    throw invalidQuery([
      {
        path: 'column',
        message: `${JSON.stringify(column)} is not an integer column of ${model.table}; increment one of: ${integers.join(', ') || '(none)'}`,
      },
    ])
  }
  if (typeof by !== 'number' || !Number.isSafeInteger(by))
    throw invalidQuery([{ path: 'by', message: `${JSON.stringify(by)} is not a whole number` }])
  return by
}
