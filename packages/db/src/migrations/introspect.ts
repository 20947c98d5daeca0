// Reads a live SQL database back into a DatabaseSchema, limited to what Mega's dialects create (the
// types of migration-types.ts, single-column foreign keys, enum CHECKs, plain indexes). The round-trip
// tests compare it with the schema the models describe.
import { sqlDialectOf } from '../sql/sql-dialects.js'
import type { RawColumn, RawTable } from '../sql/sql-introspection.js'
import type { SqlDatabase } from '../sql/sql-types.js'
import {
  SCHEMA_FORMAT_VERSION,
  type ColumnSchema,
  type DatabaseSchema,
  type TableSchema,
} from './migration-types.js'

/** Options of {@link introspectSchema}. */
export interface IntrospectOptions {
  /** Only these tables. @default every table except `mega_migrations*` and `__mega*` */
  readonly tables?: readonly string[]
}

const UUID_DEFAULT = /uuid|randomblob/i
const NOW_DEFAULT = /current_timestamp|current_date|curdate|now\(\)|strftime|date\('now'\)/i
const QUOTED = /^\(?'((?:[^']|'')*)'(?:::[\w\s]+)?\)?$/s

function toDate(value: string): string {
  const iso = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(value)
    ? `${value.replace(' ', 'T')}Z`
    : value
  const date = new Date(iso.replace(/([+-]\d\d)$/, '$1:00').replace(/^(\S+) /, '$1T'))
  return Number.isNaN(date.getTime()) ? value : date.toISOString()
}

const TYPED_DEFAULTS: Partial<Record<ColumnSchema['type'], (value: string) => unknown>> = {
  integer: Number,
  boolean: (v) => v === 'true' || v === '1',
  json: (v) => JSON.parse(v) as unknown,
  timestamp: toDate,
}

function typedDefault(value: string, type: ColumnSchema['type']): unknown {
  const convert = TYPED_DEFAULTS[type]
  return convert === undefined ? value : convert(value)
}

/** The catalog's text of a default back to the value or `{ sql }` a ColumnSchema holds. */
export function parseDefault(text: string | null, type: ColumnSchema['type']): unknown {
  if (text === null) return undefined
  const t = text.trim()
  if (/^null$/i.test(t) || /^nextval\(/i.test(t)) return undefined
  if (UUID_DEFAULT.test(t)) return { sql: 'uuid' }
  if (NOW_DEFAULT.test(t)) return { sql: 'now' }
  const quoted = QUOTED.exec(t)
  const value = quoted === null ? t : (quoted[1] as string).replaceAll("''", "'")
  return typedDefault(value, type)
}

function idColumn(raw: RawColumn): ColumnSchema | undefined {
  if (raw.increment) return { name: raw.name, type: 'id', nullable: false, idStrategy: 'increment' }
  if (raw.base === 'varchar' && raw.length === 36)
    return { name: raw.name, type: 'id', nullable: false, idStrategy: 'uuid' }
  if (raw.base === 'char' && raw.length === 26)
    return { name: raw.name, type: 'id', nullable: false, idStrategy: 'ulid' }
  return undefined
}

function shape(
  raw: RawColumn,
  values: readonly string[] | undefined,
): Omit<ColumnSchema, 'name' | 'nullable'> {
  switch (raw.base) {
    case 'varchar':
      if (values !== undefined && raw.length === 64) return { type: 'enum', values: [...values] }
      return { type: 'string', length: raw.length ?? 255 }
    case 'char':
      return { type: 'string', length: raw.length ?? 1 }
    case 'decimal':
      return { type: 'decimal', precision: raw.precision ?? 10, scale: raw.scale ?? 0 }
    default:
      return { type: raw.base as ColumnSchema['type'] }
  }
}

function toColumn(raw: RawColumn, table: RawTable): ColumnSchema {
  const id = raw.name === table.primaryKey ? idColumn(raw) : undefined
  if (id !== undefined) return id
  const base = shape(raw, table.checks.get(raw.name))
  const value = parseDefault(raw.default, base.type)
  const fk = table.foreignKeys.get(raw.name)
  return {
    name: raw.name,
    ...base,
    nullable: raw.nullable,
    ...(value === undefined ? {} : { default: value }),
    ...(fk === undefined ? {} : { references: fk }),
  }
}

function toTable(raw: RawTable): TableSchema {
  const indexes = [...raw.indexes].sort((a, b) => a.name.localeCompare(b.name))
  return {
    name: raw.name,
    columns: raw.columns.map((c) => toColumn(c, raw)),
    primaryKey: raw.primaryKey,
    indexes,
  }
}

const isInternal = (name: string): boolean =>
  name.startsWith('mega_migrations') || name.startsWith('__mega')

/**
 * Reads the live database into a {@link DatabaseSchema}: tables, columns (model types back from the
 * SQL types Mega's dialects create), primary keys, single-column foreign keys, enum CHECKs and
 * indexes (sorted by name). `no action` foreign key actions read back as absent.
 *
 * @example
 * const live = await introspectSchema(db, { tables: ['users', 'posts'] })
 * expect(canonicalSchema(live)).toEqual(canonicalSchema(snapshot))
 */
export async function introspectSchema(
  db: SqlDatabase,
  options: IntrospectOptions = {},
): Promise<DatabaseSchema> {
  const reader = sqlDialectOf(db.dialect).introspector(db.kysely())
  const names = options.tables ?? (await reader.tables()).filter((n) => !isInternal(n))
  const existing = new Set(await reader.tables())
  const tables: Record<string, TableSchema> = {}
  for (const name of [...names].sort())
    if (existing.has(name)) tables[name] = toTable(await reader.table(name))
  return { version: SCHEMA_FORMAT_VERSION, tables }
}

/**
 * A schema in a form two equal schemas share: indexes sorted by name, keys in one order, absent
 * optional fields dropped (JSON round trip). Columns keep their order.
 *
 * @example
 * expect(canonicalSchema(await introspectSchema(db))).toEqual(canonicalSchema(expected))
 */
export function canonicalSchema(schema: DatabaseSchema): DatabaseSchema {
  const tables: Record<string, TableSchema> = {}
  for (const name of Object.keys(schema.tables).sort()) {
    const t = schema.tables[name] as TableSchema
    tables[name] = { ...t, indexes: [...t.indexes].sort((a, b) => a.name.localeCompare(b.name)) }
  }
  return JSON.parse(JSON.stringify({ version: schema.version, tables })) as DatabaseSchema
}
