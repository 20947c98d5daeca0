// MariaDB (10.5+): MODIFY COLUMN restates the whole column; DDL commits implicitly, so a migration
// is not atomic there.
import type {
  ColumnSchema,
  MigrationDialect,
  MigrationOperation,
  TableSchema,
} from '../../migrations/migration-types.js'
import { requireColumn } from '../../migrations/schema-builder.js'
import {
  columnChanges,
  createIndexSql,
  defaultClause,
  enumCheck,
  enumCheckName,
  foreignKeyClause,
  quoteBacktick as q,
  quoteStringPlain,
  sqlColumnType,
  type SqlDdlQuirks,
} from '../sql-ddl.js'
import { sqlMigrationDialect } from '../sql-migration-dialect.js'

type Op<K extends MigrationOperation['op']> = Extract<MigrationOperation, { op: K }>

/** How MariaDB writes literals (backslashes escaped, its default SQL mode) and defaults. */
export const mariaDdl: SqlDdlQuirks = Object.freeze({
  quoteString: (value: string) => quoteStringPlain(value.replaceAll('\\', '\\\\')),
  booleanLiteral: (value: boolean) => (value ? '1' : '0'),
  timestampText: (iso: string) => iso.replace('T', ' ').replace('Z', ''),
  nowDefault: (date: boolean) => (date ? '(curdate())' : 'CURRENT_TIMESTAMP(3)'),
  uuidDefault: () => '(uuid())',
})

/** The MariaDB type of a column. */
export const mariaColumnType = sqlColumnType({
  integer: 'int',
  timestamp: 'datetime(3)',
  json: 'longtext',
})

const isIncrement = (column: ColumnSchema): boolean =>
  column.type === 'id' && (column.idStrategy ?? 'increment') === 'increment'

/** The column definition without PRIMARY KEY (so MODIFY can restate it). */
function columnDef(column: ColumnSchema, isKey: boolean, op: MigrationOperation): string {
  let sql = `${q(column.name)} ${mariaColumnType(column)}`
  if (!column.nullable || isKey) sql += ' NOT NULL'
  if (isKey && isIncrement(column)) sql += ' AUTO_INCREMENT'
  return sql + defaultClause(column, mariaDdl, op)
}

function checkClause(column: ColumnSchema): string {
  return `CONSTRAINT ${q(enumCheckName(column.name))} ${enumCheck(column, q, mariaDdl)}`
}

function createTable(op: Op<'createTable'>): string[] {
  const { table } = op
  const parts = table.columns.map(
    (c) =>
      columnDef(c, c.name === table.primaryKey, op) +
      (c.name === table.primaryKey ? ' PRIMARY KEY' : ''),
  )
  for (const c of table.columns) if (c.type === 'enum') parts.push(checkClause(c))
  for (const c of table.columns)
    if (c.references !== undefined) parts.push(foreignKeyClause(c.name, c.references, q, true))
  const create = `CREATE TABLE ${q(table.name)} (\n  ${parts.join(',\n  ')}\n)`
  return [create, ...table.indexes.map((i) => createIndexSql(table.name, i, q))]
}

const alter = (table: string, what: string): string => `ALTER TABLE ${q(table)} ${what}`

function addColumn(op: Op<'addColumn'>): string[] {
  const { column } = op
  const out = [alter(op.table, `ADD COLUMN ${columnDef(column, false, op)}`)]
  if (column.type === 'enum') out.push(alter(op.table, `ADD ${checkClause(column)}`))
  if (column.references !== undefined)
    out.push(alter(op.table, `ADD ${foreignKeyClause(column.name, column.references, q, true)}`))
  return out
}

/** Drops a foreign key and the index MariaDB created for it. */
function dropForeignKey(table: string, name: string): string[] {
  return [
    alter(table, `DROP FOREIGN KEY ${q(name)}`),
    alter(table, `DROP INDEX IF EXISTS ${q(name)}`),
  ]
}

function dropColumn(op: Op<'dropColumn'>): string[] {
  const { previous } = op
  const out =
    previous.references === undefined ? [] : dropForeignKey(op.table, previous.references.name)
  if (previous.type === 'enum')
    out.push(alter(op.table, `DROP CONSTRAINT ${q(enumCheckName(previous.name))}`))
  return [...out, alter(op.table, `DROP COLUMN ${q(op.column)}`)]
}

function renameColumn(
  op: Op<'renameColumn'>,
  schema: Parameters<MigrationDialect['compile']>[1],
): string[] {
  const table = requireColumn(schema, op.table, op.from, op)
  const column = table.columns.find((c) => c.name === op.from) as ColumnSchema
  const rename = alter(op.table, `RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`)
  if (column.type !== 'enum') return [rename]
  const dropCheck = alter(op.table, `DROP CONSTRAINT ${q(enumCheckName(op.from))}`)
  return [dropCheck, rename, alter(op.table, `ADD ${checkClause({ ...column, name: op.to })}`)]
}

function alterColumn(op: Op<'alterColumn'>, table: TableSchema): string[] {
  const { from, to } = op
  const changes = columnChanges(op, mariaColumnType)
  const isKey = table.primaryKey === to.name
  const refsChange = changes.foreignKey || changes.type
  const out: string[] = []
  if (refsChange && from.references !== undefined)
    out.push(...dropForeignKey(op.table, from.references.name))
  if (changes.enumValues && from.type === 'enum')
    out.push(alter(op.table, `DROP CONSTRAINT ${q(enumCheckName(from.name))}`))
  if (changes.type || changes.nullable || changes.default)
    out.push(alter(op.table, `MODIFY COLUMN ${columnDef(to, isKey, op)}`))
  if (changes.enumValues && to.type === 'enum') out.push(alter(op.table, `ADD ${checkClause(to)}`))
  if (refsChange && to.references !== undefined)
    out.push(alter(op.table, `ADD ${foreignKeyClause(to.name, to.references, q, true)}`))
  return out
}

/**
 * The MariaDB migration dialect: ids are `int auto_increment`, timestamps `datetime(3)`, json
 * `longtext`, booleans `boolean` (tinyint(1)), enums `varchar(64)` with a table CHECK named
 * `<column>_check`. MariaDB commits DDL implicitly (`transactionalDdl: false`).
 *
 * @example
 * mariaMigrationDialect.compile({ op: 'renameTable', from: 'a', to: 'b' }, schema)
 * // ['RENAME TABLE `a` TO `b`']
 */
export const mariaMigrationDialect: MigrationDialect = sqlMigrationDialect({
  name: 'maria',
  transactionalDdl: false,
  quote: q,
  compilers: {
    createTable,
    renameTable: (op) => [`RENAME TABLE ${q(op.from)} TO ${q(op.to)}`],
    addColumn,
    dropColumn,
    renameColumn,
    alterColumn: (op, schema) => alterColumn(op, requireColumn(schema, op.table, op.from.name, op)),
    dropIndex: (op) => [`DROP INDEX ${q(op.index.name)} ON ${q(op.table)}`],
  },
})
