// What the three SQL migration dialects share: identifier quoting, literals, defaults, enum checks,
// foreign key clauses and the rules for `alterColumn`. Each dialect supplies its own type mapping.
import type { SqlDialect } from '../../sql/sql-types.js'
import type {
  ColumnSchema,
  ForeignKeySchema,
  IndexSchema,
  MigrationOperation,
} from '../migration-types.js'
import { invalidOperation } from '../schema-builder.js'

/** `"name"` with embedded quotes doubled (PostgreSQL, SQLite). */
export function quoteDouble(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** `` `name` `` with embedded backticks doubled (MariaDB). */
export function quoteBacktick(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``
}

/** A string literal: quotes doubled; MariaDB also escapes backslashes (its default SQL mode). */
export function quoteString(value: string, dialect: SqlDialect): string {
  const escaped = dialect === 'maria' ? value.replaceAll('\\', '\\\\') : value
  return `'${escaped.replaceAll("'", "''")}'`
}

const NUMERIC = /^-?\d+(\.\d+)?$/

function isSqlDefault(value: unknown): value is { readonly sql: string } {
  return typeof value === 'object' && value !== null && 'sql' in value
}

function nowDefault(column: ColumnSchema, dialect: SqlDialect): string {
  const date = column.type === 'date'
  if (dialect === 'postgres') return date ? 'CURRENT_DATE' : 'CURRENT_TIMESTAMP'
  if (dialect === 'maria') return date ? '(curdate())' : 'CURRENT_TIMESTAMP(3)'
  return date ? "(date('now'))" : "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
}

/** SQLite has no uuid function: a version 4 uuid from `randomblob`. */
const SQLITE_UUID =
  "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || " +
  "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || " +
  "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))"

function uuidDefault(dialect: SqlDialect): string {
  if (dialect === 'postgres') return '(gen_random_uuid())::text'
  return dialect === 'maria' ? '(uuid())' : SQLITE_UUID
}

function timestampLiteral(value: string, dialect: SqlDialect): string {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return quoteString(value, dialect)
  const iso = date.toISOString()
  return quoteString(dialect === 'maria' ? iso.replace('T', ' ').replace('Z', '') : iso, dialect)
}

/** The SQL for a literal value of `column`, or MEGA_DB_MIGRATION_INVALID when it has none. */
export function sqlLiteral(
  value: unknown,
  column: ColumnSchema,
  dialect: SqlDialect,
  op: MigrationOperation,
): string {
  if (value === null) return 'NULL'
  if (column.type === 'json') return quoteString(JSON.stringify(value), dialect)
  if (typeof value === 'boolean') {
    if (dialect === 'postgres') return value ? 'TRUE' : 'FALSE'
    return value ? '1' : '0'
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') {
    if ((column.type === 'decimal' || column.type === 'bigint') && NUMERIC.test(value)) return value
    if (column.type === 'timestamp') return timestampLiteral(value, dialect)
    return quoteString(value, dialect)
  }
  throw invalidOperation(
    op,
    `the default of "${column.name}" (${JSON.stringify(value) ?? typeof value}) is not a SQL literal.`,
  )
}

/** ` DEFAULT ...` for the column's default, or `''`. */
export function defaultClause(
  column: ColumnSchema,
  dialect: SqlDialect,
  op: MigrationOperation,
): string {
  const value = column.default
  if (value === undefined) return ''
  return ` DEFAULT ${defaultSql(value, column, dialect, op)}`
}

/** The SQL of a default value: a literal, or the dialect's `now` / `uuid` expression. */
export function defaultSql(
  value: unknown,
  column: ColumnSchema,
  dialect: SqlDialect,
  op: MigrationOperation,
): string {
  if (!isSqlDefault(value)) return sqlLiteral(value, column, dialect, op)
  if (value.sql === 'now') return nowDefault(column, dialect)
  if (value.sql === 'uuid') return uuidDefault(dialect)
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
  dialect: SqlDialect,
): string {
  const values = (column.values ?? []).map((v) => quoteString(v, dialect)).join(', ')
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
  return op.dialect === undefined || op.dialect === dialect ? [op.sql] : []
}

/** The quoted strings of a CHECK definition, unescaped (MariaDB also escapes backslashes). */
export function checkValues(definition: string, backslashes = false): string[] {
  const pattern = backslashes ? /'((?:[^'\\]|''|\\.)*)'/g : /'((?:[^']|'')*)'/g
  return [...definition.matchAll(pattern)].map((m) => {
    const value = (m[1] as string).replaceAll("''", "'")
    return backslashes ? value.replaceAll(/\\(.)/g, '$1') : value
  })
}
