// How the three SQL migration dialects are built: one compiler per kind of operation, the common SQL
// for the kinds a dialect does not write its own way.
import type {
  DatabaseSchema,
  MigrationDialect,
  MigrationOperation,
  MigrationOperationName,
} from '../migrations/migration-types.js'
import { assertKnownOperation, requireTable } from '../migrations/schema-builder.js'
import { createIndexSql, rawStatements } from './sql-ddl.js'
import type { SqlDialect } from './sql-types.js'

/** One kind of migration operation. */
export type OperationOf<K extends MigrationOperationName> = Extract<MigrationOperation, { op: K }>

/** The statements of every kind of operation, given the schema before it. */
export type OperationCompilers = {
  readonly [K in MigrationOperationName]: (op: OperationOf<K>, schema: DatabaseSchema) => string[]
}

/** The kinds every dialect writes its own way. */
type OwnKinds = 'createTable' | 'addColumn' | 'alterColumn'

/** What {@link sqlMigrationDialect} builds a dialect from. */
export interface SqlMigrationDialectSpec {
  readonly name: SqlDialect
  /** `true` when DDL runs inside a transaction. */
  readonly transactionalDdl: boolean
  /** Quotes an identifier. */
  readonly quote: (name: string) => string
  /** What this dialect compiles its own way; the other kinds get the common SQL. */
  readonly compilers: Pick<OperationCompilers, OwnKinds> &
    Partial<Omit<OperationCompilers, OwnKinds>>
}

function commonCompilers(
  name: SqlDialect,
  q: (name: string) => string,
): Omit<OperationCompilers, OwnKinds> {
  return {
    dropTable: (op) => [`DROP TABLE ${q(op.table)}`],
    renameTable: (op) => [`ALTER TABLE ${q(op.from)} RENAME TO ${q(op.to)}`],
    dropColumn: (op) => [`ALTER TABLE ${q(op.table)} DROP COLUMN ${q(op.column)}`],
    renameColumn: (op) => [`ALTER TABLE ${q(op.table)} RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`],
    createIndex: (op) => [createIndexSql(op.table, op.index, q)],
    dropIndex: (op) => [`DROP INDEX ${q(op.index.name)}`],
    rebuildTable: (op, schema) => {
      // Identity / AUTO_INCREMENT ids are never handed out twice: nothing to rebuild.
      requireTable(schema, op.table, op)
      return []
    },
    raw: (op) => rawStatements(op, name),
  }
}

/**
 * A frozen SQL {@link MigrationDialect}: `compile` refuses an unknown operation
 * (MEGA_DB_MIGRATION_INVALID), then runs the dialect's compiler for its kind.
 *
 * @example
 * const dialect = sqlMigrationDialect({ name: 'postgres', transactionalDdl: true, quote,
 *   compilers: { createTable, addColumn, alterColumn } })
 */
export function sqlMigrationDialect(spec: SqlMigrationDialectSpec): MigrationDialect {
  const compilers: OperationCompilers = {
    ...commonCompilers(spec.name, spec.quote),
    ...spec.compilers,
  }
  return Object.freeze({
    name: spec.name,
    transactionalDdl: spec.transactionalDdl,
    compile(op: MigrationOperation, schema: DatabaseSchema): string[] {
      assertKnownOperation(op)
      const compileOne = compilers[op.op] as (
        op: MigrationOperation,
        schema: DatabaseSchema,
      ) => string[]
      return compileOne(op, schema)
    },
  })
}
