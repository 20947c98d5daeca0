import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import type { ColumnSpec } from '../model/column.js'
import { sqlDialectOf } from '../sql/sql-dialects.js'
import type { SqlDialect } from '../sql/sql-types.js'
import type { Condition, SortKey } from './query-validation.js'
import { toDb } from './sql-values.js'

/** The loose table typing CRUD queries use: any table, any column (names are validated first). */
export type AnyDB = Record<string, Record<string, unknown>>
/** The expression builder CRUD's where-clauses are built with. */
export type EB = ExpressionBuilder<AnyDB, string>

const COMPARE = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const

/** Case-sensitive LIKE on every dialect, the pattern always a bound parameter. */
function likeExpression(
  eb: EB,
  field: string,
  pattern: string,
  dialect: SqlDialect,
): Expression<SqlBool> {
  return sqlDialectOf(dialect).caseSensitiveLike(eb.ref(field), pattern)
}

function conditionExpression(
  eb: EB,
  c: Condition,
  spec: ColumnSpec,
  dialect: SqlDialect,
): Expression<SqlBool> {
  const ref = c.field
  switch (c.op) {
    case 'isNull':
      return eb(ref, c.value === true ? 'is' : 'is not', null)
    case 'like':
      return likeExpression(eb, ref, String(c.value), dialect)
    case 'in': {
      const values = (c.value as unknown[]).map((v) => toDb(spec, v, dialect))
      return values.length === 0 ? sql<SqlBool>`1 = 0` : eb(ref, 'in', values)
    }
    case 'eq':
    case 'ne':
      if (c.value === null) return eb(ref, c.op === 'eq' ? 'is' : 'is not', null)
      return eb(ref, COMPARE[c.op], toDb(spec, c.value, dialect))
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return eb(ref, COMPARE[c.op], toDb(spec, c.value, dialect))
  }
}

/** All conditions combined with AND (plus `deleted_at is null` unless `withDeleted`). */
export function whereAll(
  eb: EB,
  conditions: readonly Condition[],
  columns: Readonly<Record<string, ColumnSpec>>,
  dialect: SqlDialect,
  softDelete: boolean,
): Expression<SqlBool> {
  const parts = conditions.map((c) =>
    conditionExpression(eb, c, columns[c.field] as ColumnSpec, dialect),
  )
  if (softDelete) parts.push(eb('deleted_at', 'is', null))
  return parts.length === 0 ? sql<SqlBool>`1 = 1` : eb.and(parts)
}

/** Keyset condition "after this cursor" for the sort keys: (a > x) or (a = x and b > y) ... */
export function afterCursor(
  eb: EB,
  keys: readonly SortKey[],
  values: readonly unknown[],
  columns: Readonly<Record<string, ColumnSpec>>,
  dialect: SqlDialect,
): Expression<SqlBool> {
  const ors = keys.map((key, i) => {
    const equal = keys
      .slice(0, i)
      .map((k, j) => eb(k.field, '=', toDb(columns[k.field] as ColumnSpec, values[j], dialect)))
    const step = eb(
      key.field,
      key.desc ? '<' : '>',
      toDb(columns[key.field] as ColumnSpec, values[i], dialect),
    )
    return eb.and([...equal, step])
  })
  return eb.or(ors)
}
