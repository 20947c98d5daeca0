import type { Document } from 'mongodb'
import type { ColumnSpec } from '../model/column.js'
import { AUTOMATIC_COLUMNS, type AnyModel } from '../model/define-model.js'
import { toMongoFilter, toMongoSort } from '../mongo/mongo-filter.js'
import { ownProperty } from '../model/own-property.js'
import { invalidQuery, type Condition, type SortKey } from './query-validation.js'
import { docKey, toStored } from './mongo-values.js'

/** Decimal and bigint are stored as strings: only equality compares them correctly. */
const STRING_NUMBER_TYPES = new Set(['decimal', 'bigint'])
const EQUALITY_OPS = new Set(['eq', 'ne', 'in', 'isNull'])

type FilterObject = Record<string, Record<string, unknown>>

function specOf(model: AnyModel, field: string): ColumnSpec {
  return ownProperty(model.columns, field) as ColumnSpec
}

/** A record without prototype: a field named `constructor` or `toString` is just a key. */
const emptyFilter = (): FilterObject => Object.create(null) as FilterObject

/** Range filters and sorts on decimal/bigint would compare strings: a 422 instead of wrong rows. */
function checkComparable(model: AnyModel, keys: readonly { field: string; op?: string }[]): void {
  const issues = keys
    .filter((k) => STRING_NUMBER_TYPES.has(specOf(model, k.field).type))
    .filter((k) => k.op === undefined || !EQUALITY_OPS.has(k.op))
    .map((k) => ({
      path: k.op === undefined ? 'sort' : `filter.${k.field}.${k.op}`,
      message: `"${k.field}" is stored as a string on Mongo: only eq, ne, in and isNull work on it`,
    }))
  if (issues.length > 0) throw invalidQuery(issues)
}

function operand(spec: ColumnSpec, c: Condition): unknown {
  if (c.op === 'in') return (c.value as unknown[]).map((v) => toStored(spec, v))
  return c.op === 'like' || c.op === 'isNull' ? c.value : toStored(spec, c.value)
}

/** Validated conditions as a Mongo query (through {@link toMongoFilter}, `_id` for the key). */
function conditionsFilter(model: AnyModel, conditions: readonly Condition[]): Document {
  checkComparable(model, conditions)
  const filter = emptyFilter()
  for (const c of conditions)
    (filter[docKey(model, c.field)] ??= {})[c.op] = operand(specOf(model, c.field), c)
  return toMongoFilter(filter)
}

/** All conditions with AND, plus `deleted_at` null when `softDelete`, plus `extra`. */
export function mongoWhere(
  model: AnyModel,
  conditions: readonly Condition[],
  softDelete: boolean,
  extra: Document = {},
): Document {
  const deleted = softDelete ? { [AUTOMATIC_COLUMNS.deletedAt]: { $eq: null } } : {}
  const parts = [conditionsFilter(model, conditions), deleted, extra].filter(
    (p) => Object.keys(p).length > 0,
  )
  return parts.length === 0 ? {} : parts.length === 1 ? (parts[0] as Document) : { $and: parts }
}

/** The driver sort of validated keys (`_id` for the primary key). */
export function mongoSort(model: AnyModel, sort: readonly SortKey[]): Map<string, 1 | -1> {
  checkComparable(model, sort)
  return toMongoSort(sort.map((k) => `${k.desc ? '-' : ''}${docKey(model, k.field)}`))
}

/** Keyset condition "after these cursor values" (decoded and checked): (a > x) or (a = x and b > y) ... */
export function mongoAfterCursor(
  model: AnyModel,
  sort: readonly SortKey[],
  after: readonly unknown[],
): Document {
  const values = after.map((v, i) => toStored(specOf(model, (sort[i] as SortKey).field), v))
  const branches = sort.map((key, i) => {
    const branch = emptyFilter()
    sort.slice(0, i).forEach((k, j) => (branch[docKey(model, k.field)] = { eq: values[j] }))
    branch[docKey(model, key.field)] = { [key.desc ? 'lt' : 'gt']: values[i] }
    return toMongoFilter(branch)
  })
  return { $or: branches }
}
