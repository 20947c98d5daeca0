// The recorder migration files call, and the replay of operations onto a schema (what the runner and
// the SQLite dialect use to know the state before an operation).
import { dbError } from '../errors.js'
import type { SqlDialect } from '../sql/sql-types.js'
import {
  MIGRATION_OPERATIONS,
  SCHEMA_FORMAT_VERSION,
  type ColumnSchema,
  type DatabaseSchema,
  type MigrationOperation,
  type MigrationSchema,
  type TableSchema,
} from './migration-types.js'

/** A {@link MigrationSchema} that records each call as an operation, in order. */
export interface RecordingMigrationSchema extends MigrationSchema {
  /** The operations recorded so far (a copy). */
  readonly operations: readonly MigrationOperation[]
}

/** The schema with no table: where replaying a project's migrations starts. */
export const EMPTY_SCHEMA: DatabaseSchema = Object.freeze({
  version: SCHEMA_FORMAT_VERSION,
  tables: Object.freeze({}),
})

/**
 * Creates the object a migration's `up`/`down` receives: every call records one operation; nothing
 * runs until a runner compiles them with a dialect.
 *
 * @example
 * const schema = createMigrationSchema()
 * await migration.up(schema)
 * const statements = schema.operations.flatMap((op) => dialect.compile(op, before))
 */
export function createMigrationSchema(): RecordingMigrationSchema {
  const ops: MigrationOperation[] = []
  const record = (op: MigrationOperation): void => void ops.push(op)
  return {
    get operations() {
      return [...ops]
    },
    createTable: (table) => record({ op: 'createTable', table }),
    dropTable: (table, previous) => record({ op: 'dropTable', table, previous }),
    renameTable: (from, to) => record({ op: 'renameTable', from, to }),
    addColumn: (table, column) => record({ op: 'addColumn', table, column }),
    dropColumn: (table, column, previous) => record({ op: 'dropColumn', table, column, previous }),
    renameColumn: (table, from, to) => record({ op: 'renameColumn', table, from, to }),
    alterColumn: (table, from, to) => record({ op: 'alterColumn', table, from, to }),
    createIndex: (table, index) => record({ op: 'createIndex', table, index }),
    dropIndex: (table, index) => record({ op: 'dropIndex', table, index }),
    rebuildTable: (table) => record({ op: 'rebuildTable', table }),
    raw: (sql: string, dialect?: SqlDialect | 'mongo') =>
      record({ op: 'raw', sql, ...(dialect && { dialect }) }),
  }
}

/**
 * `true` when a `raw` operation runs on the dialect `name`: it names no dialect, or that one.
 *
 * @example
 * rawOperationRunsOn({ op: 'raw', sql: 'VACUUM', dialect: 'sqlite' }, 'postgres') // false
 */
export function rawOperationRunsOn(
  op: Extract<MigrationOperation, { op: 'raw' }>,
  name: SqlDialect | 'mongo',
): boolean {
  return (op.dialect ?? name) === name
}

/** MEGA_DB_MIGRATION_INVALID naming the operation, with the operation in `details`. */
export function invalidOperation(op: unknown, message: string): Error {
  const name = (op as { op?: unknown } | null)?.op
  return dbError(
    'MEGA_DB_MIGRATION_INVALID',
    `Invalid migration operation ${typeof name === 'string' ? `"${name}"` : '(no op)'}: ${message}`,
    { details: { operation: op } },
  )
}

/** Throws MEGA_DB_MIGRATION_INVALID unless `op.op` is one of {@link MIGRATION_OPERATIONS}. */
export function assertKnownOperation(op: MigrationOperation): void {
  const name = (op as { op?: unknown } | null)?.op
  if (!(MIGRATION_OPERATIONS as readonly unknown[]).includes(name))
    throw invalidOperation(
      op,
      `unknown operation; expected one of ${MIGRATION_OPERATIONS.join(', ')}.`,
    )
}

/** The table `name` of `schema`, or MEGA_DB_MIGRATION_INVALID naming the operation. */
export function requireTable(
  schema: DatabaseSchema,
  name: string,
  op: MigrationOperation,
): TableSchema {
  const table = Object.hasOwn(schema.tables, name) ? schema.tables[name] : undefined
  if (table === undefined)
    throw invalidOperation(op, `table "${name}" is not in the schema before this operation.`)
  return table
}

function withTable(schema: DatabaseSchema, table: TableSchema, drop?: string): DatabaseSchema {
  const tables = { ...schema.tables }
  if (drop !== undefined) delete tables[drop]
  tables[table.name] = table
  return { version: schema.version, tables }
}

function mapColumns(
  table: TableSchema,
  fn: (c: ColumnSchema) => ColumnSchema | undefined,
): TableSchema {
  const columns = table.columns.map(fn).filter((c): c is ColumnSchema => c !== undefined)
  return { ...table, columns }
}

function renameColumnIn(table: TableSchema, from: string, to: string): TableSchema {
  const renamed = mapColumns(table, (c) => (c.name === from ? { ...c, name: to } : c))
  const indexes = table.indexes.map((i) => ({
    ...i,
    columns: i.columns.map((c) => (c === from ? to : c)),
  }))
  const primaryKey = table.primaryKey === from ? to : table.primaryKey
  return { ...renamed, indexes, primaryKey }
}

/** Rewrites foreign keys of every table that point at `table.from` (after a rename). */
function retarget(
  schema: DatabaseSchema,
  fn: (fk: ColumnSchema['references']) => ColumnSchema['references'],
): DatabaseSchema {
  const tables: Record<string, TableSchema> = {}
  for (const [name, t] of Object.entries(schema.tables))
    tables[name] = mapColumns(t, (c) =>
      c.references === undefined ? c : { ...c, references: fn(c.references) },
    )
  return { version: schema.version, tables }
}

/**
 * The schema after `op`: how the runner tracks the state before each operation (start from
 * {@link EMPTY_SCHEMA} and replay). `raw` changes nothing it can know of. Throws
 * MEGA_DB_MIGRATION_INVALID when the operation names a table or column that does not exist.
 *
 * @example
 * const after = ops.reduce(applyOperation, EMPTY_SCHEMA)
 */
export function applyOperation(schema: DatabaseSchema, op: MigrationOperation): DatabaseSchema {
  assertKnownOperation(op)
  switch (op.op) {
    case 'createTable':
      return withTable(schema, op.table)
    case 'dropTable': {
      requireTable(schema, op.table, op)
      const tables = { ...schema.tables }
      delete tables[op.table]
      return { version: schema.version, tables }
    }
    case 'renameTable': {
      const table = { ...requireTable(schema, op.from, op), name: op.to }
      const moved = withTable(schema, table, op.from)
      return retarget(moved, (fk) => (fk?.table === op.from ? { ...fk, table: op.to } : fk))
    }
    case 'addColumn': {
      const table = requireTable(schema, op.table, op)
      return withTable(schema, { ...table, columns: [...table.columns, op.column] })
    }
    case 'dropColumn': {
      const table = requireColumn(schema, op.table, op.column, op)
      const columns = table.columns.filter((c) => c.name !== op.column)
      const indexes = table.indexes.filter((i) => !i.columns.includes(op.column))
      return withTable(schema, { ...table, columns, indexes })
    }
    case 'renameColumn': {
      const table = requireColumn(schema, op.table, op.from, op)
      const renamed = withTable(schema, renameColumnIn(table, op.from, op.to))
      return retarget(renamed, (fk) =>
        fk?.table === op.table && fk.column === op.from ? { ...fk, column: op.to } : fk,
      )
    }
    case 'alterColumn': {
      const table = requireColumn(schema, op.table, op.from.name, op)
      return withTable(
        schema,
        mapColumns(table, (c) => (c.name === op.from.name ? op.to : c)),
      )
    }
    case 'createIndex': {
      const table = requireTable(schema, op.table, op)
      return withTable(schema, { ...table, indexes: [...table.indexes, op.index] })
    }
    case 'dropIndex': {
      const table = requireTable(schema, op.table, op)
      const indexes = table.indexes.filter((i) => i.name !== op.index.name)
      return withTable(schema, { ...table, indexes })
    }
    case 'rebuildTable':
      requireTable(schema, op.table, op)
      return schema
    case 'raw':
      return schema
  }
}

/** The table, after checking it has the column `column`. */
export function requireColumn(
  schema: DatabaseSchema,
  table: string,
  column: string,
  op: MigrationOperation,
): TableSchema {
  const found = requireTable(schema, table, op)
  if (!found.columns.some((c) => c.name === column))
    throw invalidOperation(
      op,
      `column "${table}.${column}" is not in the schema before this operation.`,
    )
  return found
}
