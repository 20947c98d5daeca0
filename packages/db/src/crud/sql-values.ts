import type { ColumnSpec } from '../model/column.js'
import { ownProperty } from '../model/own-property.js'
import { sqlDialectOf } from '../sql/sql-dialects.js'
import type { SqlDialect } from '../sql/sql-types.js'

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** A driver's date value as `YYYY-MM-DD` (pg and mysql2 parse DATE as local midnight). */
function toDateString(value: unknown): unknown {
  if (value instanceof Date)
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`
  return typeof value === 'string' ? value.slice(0, 10) : value
}

function toBoolean(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'bigint') return value !== 0 && value !== 0n
  if (typeof value === 'string') return value === '1' || value === 'true'
  return value
}

function toDecimal(value: unknown, scale: number): unknown {
  return typeof value === 'number' ? value.toFixed(scale) : value
}

function asDate(value: unknown): Date {
  if (value instanceof Date) return value
  return new Date(typeof value === 'number' ? value : (value as string))
}

/** One column value as read from `dialect`, in the model's type. */
export function fromDb(spec: ColumnSpec, value: unknown, _dialect: SqlDialect): unknown {
  if (value === null || value === undefined) return null
  switch (spec.type) {
    case 'boolean':
      return toBoolean(value)
    case 'json':
      return typeof value === 'string' ? (JSON.parse(value) as unknown) : value
    case 'timestamp':
      return asDate(value)
    case 'date':
      return toDateString(value)
    case 'decimal':
      return toDecimal(value, spec.scale ?? 0)
    case 'bigint':
      return typeof value === 'bigint' || typeof value === 'number' ? String(value) : value
    case 'id':
    case 'reference':
    case 'integer':
      return typeof value === 'bigint' ? Number(value) : value
    case 'string':
    case 'text':
    case 'enum':
      return value
  }
}

/** One value in the model's type as `dialect` stores it (bound as a parameter, never inlined). */
export function toDb(spec: ColumnSpec, value: unknown, dialect: SqlDialect): unknown {
  if (value === null || value === undefined) return null
  return sqlDialectOf(dialect).encodeValue(spec.type, toDbValue(spec, value))
}

/** The generic database form: JSON as text, timestamps as `Date`s, the rest as it is. */
function toDbValue(spec: ColumnSpec, value: unknown): unknown {
  switch (spec.type) {
    case 'json':
      return JSON.stringify(value)
    case 'timestamp':
      return asDate(value)
    case 'boolean':
    case 'id':
    case 'reference':
    case 'string':
    case 'text':
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'date':
    case 'enum':
      return value
  }
}

/** A whole row from the database, converted column by column (unknown columns are dropped). */
export function rowFromDb(
  columns: Readonly<Record<string, ColumnSpec>>,
  row: Record<string, unknown>,
  dialect: SqlDialect,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(columns)) out[name] = fromDb(spec, row[name], dialect)
  return out
}

/** A whole input object converted for the database. */
export function rowToDb(
  columns: Readonly<Record<string, ColumnSpec>>,
  input: Record<string, unknown>,
  dialect: SqlDialect,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(input)) {
    const spec = ownProperty(columns, name)
    if (spec !== undefined) out[name] = toDb(spec, value, dialect)
  }
  return out
}
