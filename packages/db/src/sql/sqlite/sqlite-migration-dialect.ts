// SQLite: ALTER TABLE only renames, adds and drops simple columns; everything else rebuilds the table
// (create the new shape, copy the rows, drop the old table, rename, recreate the indexes), inside the
// migration's transaction.
import type {
  ColumnSchema,
  DatabaseSchema,
  MigrationDialect,
  MigrationOperation,
  TableSchema,
} from '../../migrations/migration-types.js'
import { applyOperation, requireColumn, requireTable } from '../../migrations/schema-builder.js'
import {
  createIndexSql,
  columnChanges,
  defaultClause,
  enumCheck,
  enumCheckName,
  foreignKeyClause,
  isoTimestampText,
  quoteDouble as q,
  quoteStringPlain,
  sqlColumnType,
  type SqlDdlQuirks,
} from '../sql-ddl.js'
import { sqlMigrationDialect } from '../sql-migration-dialect.js'

type Op<K extends MigrationOperation['op']> = Extract<MigrationOperation, { op: K }>

/** The prefix of the table a rebuild creates before renaming it into place. */
export const SQLITE_REBUILD_PREFIX = '__mega_rebuild_'

/** SQLite has no uuid function: a version 4 uuid from `randomblob`. */
const SQLITE_UUID =
  "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || " +
  "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || " +
  "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))"

/** How SQLite writes literals (booleans 0/1, timestamps as ISO text) and defaults. */
export const sqliteDdl: SqlDdlQuirks = Object.freeze({
  quoteString: quoteStringPlain,
  booleanLiteral: (value: boolean) => (value ? '1' : '0'),
  timestampText: isoTimestampText,
  nowDefault: (date: boolean) =>
    date ? "(date('now'))" : "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
  uuidDefault: () => SQLITE_UUID,
})

/**
 * The SQLite type of a column. Declared names are kept distinct (`boolean`, `date`, `timestamp`,
 * `json`) so introspection reads the model type back; SQLite stores them as integers and text.
 */
export const sqliteColumnType = sqlColumnType({
  integer: 'integer',
  timestamp: 'timestamp',
  json: 'json',
})

/**
 * An `increment` id: the table's rowid, declared `AUTOINCREMENT` so SQLite never gives a deleted row's
 * id to a new row (without it, deleting the highest id frees it for the next insert: a session or
 * token that stored the old id would then name someone else).
 */
function isAutoincrement(table: TableSchema, column: ColumnSchema): boolean {
  return (
    table.primaryKey === column.name &&
    column.type === 'id' &&
    sqliteColumnType(column) === 'integer'
  )
}

function columnSql(table: TableSchema, column: ColumnSchema, op: MigrationOperation): string {
  let sql = `${q(column.name)} ${sqliteColumnType(column)}`
  const isKey = table.primaryKey === column.name
  if (isKey) sql += ' PRIMARY KEY'
  if (isAutoincrement(table, column)) sql += ' AUTOINCREMENT'
  const rowid = isKey && sqliteColumnType(column) === 'integer'
  if (!column.nullable && !rowid) sql += ' NOT NULL'
  sql += defaultClause(column, sqliteDdl, op)
  if (column.type === 'enum')
    sql += ` CONSTRAINT ${q(enumCheckName(column.name))} ${enumCheck(column, q, sqliteDdl)}`
  return sql
}

function createTableSql(table: TableSchema, name: string, op: MigrationOperation): string {
  const parts = table.columns.map((c) => columnSql(table, c, op))
  for (const c of table.columns)
    if (c.references !== undefined) parts.push(foreignKeyClause(c.name, c.references, q))
  return `CREATE TABLE ${q(name)} (\n  ${parts.join(',\n  ')}\n)`
}

function createTable(op: Op<'createTable'>): string[] {
  const { table } = op
  return [
    createTableSql(table, table.name, op),
    ...table.indexes.map((i) => createIndexSql(table.name, i, q)),
  ]
}

/** Tables whose foreign keys point at `table` (itself included when it references itself). */
function referencing(schema: DatabaseSchema, table: string): string[] {
  return Object.values(schema.tables)
    .filter((t) => t.columns.some((c) => c.references?.table === table))
    .map((t) => t.name)
}

/** Statements that fail, with `message` as the constraint name, when `select` returns non-zero. */
function failWhen(select: string, message: string): string[] {
  const guard = q('__mega_guard')
  return [
    `CREATE TEMP TABLE ${guard} ("value" integer CONSTRAINT ${q(message)} CHECK ("value" = 0))`,
    `INSERT INTO temp.${guard} ${select}`,
    `DROP TABLE temp.${guard}`,
  ]
}

/**
 * After the copy into `temp`: its AUTOINCREMENT counter continues from the old table's, so ids the old
 * table handed out and then deleted are not handed out again (the copy alone would restart the
 * counter at the highest id left). The rename carries the counter over to the final name.
 */
function keepSequence(before: TableSchema, after: TableSchema, temp: string): string[] {
  if (!after.columns.some((c) => isAutoincrement(after, c))) return []
  const name = quoteStringPlain(temp)
  const old = quoteStringPlain(before.name)
  return [
    `INSERT INTO sqlite_sequence (name, seq) SELECT ${name}, 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ${name})`,
    `UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT max(seq) FROM sqlite_sequence WHERE name = ${old}), 0)) WHERE name = ${name}`,
  ]
}

/**
 * Rebuilds `before` into `after` keeping rows and indexes. Columns present in both are copied. When
 * other tables reference it, dropping it with foreign keys on would fire their ON DELETE actions, so
 * the statements refuse to run unless `PRAGMA foreign_keys` is off (see `beforeTransaction`); the
 * foreign keys are checked at the end instead.
 */
function rebuild(
  before: TableSchema,
  after: TableSchema,
  schema: DatabaseSchema,
  op: MigrationOperation,
): string[] {
  const temp = `${SQLITE_REBUILD_PREFIX}${after.name}`
  const kept = after.columns
    .filter((c) => before.columns.some((b) => b.name === c.name))
    .map((c) => q(c.name))
  const selfReference = after.columns.some((c) => c.references?.table === before.name)
  const others = referencing(schema, before.name).filter((t) => t !== before.name)
  const children = selfReference ? [...others, after.name] : others
  const out: string[] = []
  if (children.length > 0)
    out.push(
      ...failWhen(
        'SELECT "foreign_keys" FROM pragma_foreign_keys',
        `rebuilding ${before.name} needs PRAGMA foreign_keys = OFF before the migration transaction (other tables reference it)`,
      ),
    )
  out.push(
    createTableSql(after, temp, op),
    `INSERT INTO ${q(temp)} (${kept.join(', ')}) SELECT ${kept.join(', ')} FROM ${q(before.name)}`,
    ...keepSequence(before, after, temp),
    `DROP TABLE ${q(before.name)}`,
    `ALTER TABLE ${q(temp)} RENAME TO ${q(after.name)}`,
    ...after.indexes.map((i) => createIndexSql(after.name, i, q)),
  )
  const checked = [...new Set([after.name, ...children])]
  const checks = checked.map(
    (t) => `SELECT 1 FROM pragma_foreign_key_check(${quoteStringPlain(t)})`,
  )
  const select = `SELECT count(*) FROM (${checks.join(' UNION ALL ')})`
  return [
    ...out,
    ...failWhen(
      select,
      `rebuilding ${after.name} broke a foreign key: run PRAGMA foreign_key_check`,
    ),
  ]
}

function rebuildFor(
  op: MigrationOperation & { readonly table: string },
  schema: DatabaseSchema,
): string[] {
  const before = requireTable(schema, op.table, op)
  const after = applyOperation(schema, op).tables[op.table] as TableSchema
  return rebuild(before, after, schema, op)
}

/** ADD COLUMN works for a nullable or constant-default column without key or foreign key. */
function canAdd(column: ColumnSchema): boolean {
  const constant = typeof column.default !== 'object' || column.default === null
  return (
    column.references === undefined &&
    column.type !== 'id' &&
    constant &&
    (column.nullable || column.default !== undefined)
  )
}

function addColumn(op: Op<'addColumn'>, schema: DatabaseSchema): string[] {
  const table = requireTable(schema, op.table, op)
  if (!canAdd(op.column)) return rebuildFor(op, schema)
  return [`ALTER TABLE ${q(op.table)} ADD COLUMN ${columnSql(table, op.column, op)}`]
}

/** DROP COLUMN refuses keys, indexed columns and foreign keys (either side): those rebuild. */
function dropColumn(op: Op<'dropColumn'>, schema: DatabaseSchema): string[] {
  const table = requireColumn(schema, op.table, op.column, op)
  const column = table.columns.find((c) => c.name === op.column) as ColumnSchema
  const referenced = Object.values(schema.tables).some((t) =>
    t.columns.some((c) => c.references?.table === op.table && c.references.column === op.column),
  )
  const simple =
    table.primaryKey !== op.column &&
    column.references === undefined &&
    !referenced &&
    !table.indexes.some((i) => i.columns.includes(op.column))
  if (!simple) return rebuildFor(op, schema)
  return [`ALTER TABLE ${q(op.table)} DROP COLUMN ${q(op.column)}`]
}

function alterColumn(op: Op<'alterColumn'>, schema: DatabaseSchema): string[] {
  requireColumn(schema, op.table, op.from.name, op)
  columnChanges(op, sqliteColumnType)
  return rebuildFor(op, schema)
}

/**
 * The SQLite migration dialect: ids are `integer primary key`, booleans `boolean`, dates, timestamps
 * (ISO text) and json stored as text, enums `varchar(64)` with a column CHECK; foreign keys are table
 * constraints. Changes ALTER TABLE cannot make rebuild the table, keeping rows and indexes. A rebuild
 * of a table other tables reference must run with foreign keys off: a runner runs
 * {@link SqliteMigrationDialect.beforeTransaction} before the migration's transaction and
 * `afterTransaction` after it.
 *
 * @example
 * sqliteMigrationDialect.compile({ op: 'alterColumn', table: 'users', from, to }, schema)
 */
export interface SqliteMigrationDialect extends MigrationDialect {
  /** Run on the same connection before BEGIN: foreign keys cannot be switched inside a transaction. */
  readonly beforeTransaction: readonly string[]
  /** Run after COMMIT or ROLLBACK (restore the setting read before, if it was off). */
  readonly afterTransaction: readonly string[]
}

/** The SQLite migration dialect (see {@link SqliteMigrationDialect}). */
export const sqliteMigrationDialect: SqliteMigrationDialect = Object.freeze({
  ...sqlMigrationDialect({
    name: 'sqlite',
    transactionalDdl: true,
    quote: q,
    compilers: {
      createTable,
      addColumn,
      dropColumn,
      alterColumn,
      rebuildTable: (op, schema) => rebuildFor(op, schema),
    },
  }),
  beforeTransaction: ['PRAGMA foreign_keys = OFF'],
  afterTransaction: ['PRAGMA foreign_keys = ON'],
})
