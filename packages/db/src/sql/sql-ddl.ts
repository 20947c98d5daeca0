// What the three SQL migration dialects share: identifier quoting, literals, defaults, enum checks,
// foreign key clauses and the rules for `alterColumn`. Each dialect supplies its own type mapping.
import type { SqlDialect } from './sql-types.js'
import type {
  ColumnSchema,
  ForeignKeySchema,
  IndexSchema,
  MigrationOperation,
} from '../migrations/migration-types.js'
import { invalidOperation, rawOperationRunsOn } from '../migrations/schema-builder.js'

/** `"name"` with embedded quotes doubled (PostgreSQL, SQLite). */
export function quoteDouble(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** `` `name` `` with embedded backticks doubled (MariaDB). */
export function quoteBacktick(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``
}

/**
 * What a SQL dialect writes its own way in DDL: string literals, booleans, timestamps and the `now` and
 * `uuid` defaults. Each dialect folder holds one; the shared helpers below take it instead of asking
 * which dialect they run for.
 */
export interface SqlDdlQuirks {
  /** A string literal, quotes doubled (MariaDB also escapes backslashes). */
  quoteString(value: string): string
  /** A boolean literal: `TRUE`/`FALSE` or `1`/`0`. */
  booleanLiteral(value: boolean): string
  /** The text a timestamp literal holds, from its ISO form (MariaDB: no `T`, no `Z`). */
  timestampText(iso: string): string
  /** The `{ sql: 'now' }` default of a `date` (`date: true`) or `timestamp` column. */
  nowDefault(date: boolean): string
  /** The `{ sql: 'uuid' }` default. */
  uuidDefault(): string
}

/** A string literal with embedded quotes doubled (PostgreSQL, SQLite). */
export function quoteStringPlain(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** The timestamp text as it is: ISO 8601 with `T` and `Z`. */
export const isoTimestampText = (iso: string): string => iso

const NUMERIC = /^-?\d+(\.\d+)?$/

function isSqlDefault(value: unknown): value is { readonly sql: string } {
  return typeof value === 'object' && value !== null && 'sql' in value
}

function timestampLiteral(value: string, ddl: SqlDdlQuirks): string {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return ddl.quoteString(value)
  return ddl.quoteString(ddl.timestampText(date.toISOString()))
}

/** The SQL for a literal value of `column`, or MEGA_DB_MIGRATION_INVALID when it has none. */
export function sqlLiteral(
  value: unknown,
  column: ColumnSchema,
  ddl: SqlDdlQuirks,
  op: MigrationOperation,
): string {
  if (value === null) return 'NULL'
  if (column.type === 'json') return ddl.quoteString(JSON.stringify(value))
  if (typeof value === 'boolean') return ddl.booleanLiteral(value)
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') {
    if ((column.type === 'decimal' || column.type === 'bigint') && NUMERIC.test(value)) return value
    if (column.type === 'timestamp') return timestampLiteral(value, ddl)
    return ddl.quoteString(value)
  }
  throw invalidOperation(
    op,
    `the default of "${column.name}" (${JSON.stringify(value) ?? typeof value}) is not a SQL literal.`,
  )
}

/** ` DEFAULT ...` for the column's default, or `''`. */
export function defaultClause(
  column: ColumnSchema,
  ddl: SqlDdlQuirks,
  op: MigrationOperation,
): string {
  const value = column.default
  if (value === undefined) return ''
  return ` DEFAULT ${defaultSql(value, column, ddl, op)}`
}

/** The SQL of a default value: a literal, or the dialect's `now` / `uuid` expression. */
export function defaultSql(
  value: unknown,
  column: ColumnSchema,
  ddl: SqlDdlQuirks,
  op: MigrationOperation,
): string {
  if (!isSqlDefault(value)) return sqlLiteral(value, column, ddl, op)
  if (value.sql === 'now') return ddl.nowDefault(column.type === 'date')
  if (value.sql === 'uuid') return ddl.uuidDefault()
  throw invalidOperation(op, `unknown SQL default { sql: '${value.sql}' } on "${column.name}".`)
}

/** The name of the CHECK constraint that holds an enum column's values: `<column>_check`. */
export function enumCheckName(column: string): string {
  return `${column}_check`
}

/** `CHECK (<col> IN ('a', 'b'))` for an enum column. */
export function enumCheck(
  column: ColumnSchema,
  quote: (name: string) => string,
  ddl: SqlDdlQuirks,
): string {
  const values = (column.values ?? []).map((v) => ddl.quoteString(v)).join(', ')
  return `CHECK (${quote(column.name)} IN (${values}))`
}

/** `CONSTRAINT <name> FOREIGN KEY (<col>) REFERENCES <table> (<col>) [ON DELETE ...] [ON UPDATE ...]`. */
export function foreignKeyClause(
  column: string,
  fk: ForeignKeySchema,
  quote: (name: string) => string,
  /** MariaDB reports an absent action as RESTRICT: spell out NO ACTION so it reads back as absent. */
  explicitDefault = false,
): string {
  const action = (a: string | undefined): string | undefined =>
    a ?? (explicitDefault ? 'no action' : undefined)
  const del = action(fk.onDelete)
  const upd = action(fk.onUpdate)
  const onDelete = del === undefined ? '' : ` ON DELETE ${del.toUpperCase()}`
  const onUpdate = upd === undefined ? '' : ` ON UPDATE ${upd.toUpperCase()}`
  return `CONSTRAINT ${quote(fk.name)} FOREIGN KEY (${quote(column)}) REFERENCES ${quote(fk.table)} (${quote(fk.column)})${onDelete}${onUpdate}`
}

/** `CREATE [UNIQUE] INDEX <name> ON <table> (<columns>)`. */
export function createIndexSql(
  table: string,
  index: IndexSchema,
  quote: (name: string) => string,
): string {
  const columns = index.columns.map(quote).join(', ')
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quote(index.name)} ON ${quote(table)} (${columns})`
}

/** The names a dialect gives the types the three SQL dialects do not agree on. */
export interface SqlTypeNames {
  /** `integer` (also the type of an increment id). */
  readonly integer: string
  readonly timestamp: string
  readonly json: string
}

/**
 * The SQL type of a column for a dialect: `varchar(n)`, `text`, `decimal(p, s)`, `boolean`, `date`,
 * `varchar(64)` for enums, `varchar(36)`/`char(26)` for uuid/ulid ids everywhere; `names` for the rest.
 *
 * @example
 * const mariaColumnType = sqlColumnType({ integer: 'int', timestamp: 'datetime(3)', json: 'longtext' })
 */
export function sqlColumnType(names: SqlTypeNames): (column: ColumnSchema) => string {
  const types: Readonly<Record<ColumnSchema['type'], (c: ColumnSchema) => string>> = {
    id: (c) =>
      c.idStrategy === 'uuid'
        ? 'varchar(36)'
        : c.idStrategy === 'ulid'
          ? 'char(26)'
          : names.integer,
    string: (c) => `varchar(${c.length ?? 255})`,
    text: () => 'text',
    integer: () => names.integer,
    bigint: () => 'bigint',
    decimal: (c) => `decimal(${c.precision ?? 10}, ${c.scale ?? 0})`,
    boolean: () => 'boolean',
    date: () => 'date',
    timestamp: () => names.timestamp,
    json: () => names.json,
    enum: () => 'varchar(64)',
  }
  return (column) => types[column.type](column)
}

/** What an `alterColumn` changes; each flag is a kind of statement a dialect may need. */
export interface ColumnChanges {
  readonly type: boolean
  readonly nullable: boolean
  readonly default: boolean
  readonly enumValues: boolean
  readonly foreignKey: boolean
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * What `op` changes, after refusing what no dialect supports (MEGA_DB_MIGRATION_INVALID): a changed
 * name (use renameColumn) and a change to or from an `id` column or of its id strategy.
 */
export function columnChanges(
  op: Extract<MigrationOperation, { op: 'alterColumn' }>,
  sqlType: (column: ColumnSchema) => string,
): ColumnChanges {
  const { from, to } = op
  if (from.name !== to.name)
    throw invalidOperation(
      op,
      `alterColumn cannot rename "${from.name}" to "${to.name}": use renameColumn.`,
    )
  if (
    (from.type === 'id' || to.type === 'id') &&
    (from.type !== to.type || from.idStrategy !== to.idStrategy)
  )
    throw invalidOperation(
      op,
      `changing the primary key "${op.table}.${from.name}" (${describeType(from)} → ${describeType(to)}) is not supported: create a new table, copy the rows, and drop the old one.`,
    )
  const enumOf = (c: ColumnSchema): unknown => (c.type === 'enum' ? c.values : null)
  return {
    type: sqlType(from) !== sqlType(to),
    nullable: from.nullable !== to.nullable,
    default: !same(from.default, to.default),
    enumValues: !same(enumOf(from), enumOf(to)),
    foreignKey: !same(from.references, to.references),
  }
}

function describeType(c: ColumnSchema): string {
  return c.type === 'id' ? `id ${c.idStrategy ?? 'increment'}` : c.type
}

/** The statements of a `raw` operation for `dialect`: none when it targets another dialect. */
export function rawStatements(
  op: Extract<MigrationOperation, { op: 'raw' }>,
  dialect: SqlDialect,
): string[] {
  return rawOperationRunsOn(op, dialect) ? [op.sql] : []
}

/** The quoted strings of a CHECK definition, unescaped (MariaDB also escapes backslashes). */
export function checkValues(definition: string, backslashes = false): string[] {
  const pattern = backslashes ? /'((?:[^'\\]|''|\\.)*)'/g : /'((?:[^']|'')*)'/g
  return [...definition.matchAll(pattern)].map((m) => {
    const value = (m[1] as string).replaceAll("''", "'")
    return backslashes ? value.replaceAll(/\\(.)/g, '$1') : value
  })
}
