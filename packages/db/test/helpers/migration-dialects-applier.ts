// Test helper of the migration dialect suites: applies operations the way the runner does.
import { sql } from 'kysely'
import { getMigrationDialect } from '../../src/migrations/dialect-registry.js'
import type { SqliteMigrationDialect } from '../../src/sql/sqlite/sqlite-migration-dialect.js'
import { canonicalSchema, introspectSchema } from '../../src/migrations/introspect.js'
import type {
  ColumnSchema,
  DatabaseSchema,
  MigrationOperation,
} from '../../src/migrations/migration-types.js'
import { EMPTY_SCHEMA, applyOperation } from '../../src/migrations/schema-builder.js'
import { MariaAdapter } from '../../src/sql/maria/maria-adapter.js'
import { PostgresAdapter } from '../../src/sql/postgres/postgres-adapter.js'
import type { MegaSqlAdapter } from '../../src/sql/sql-adapter.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import type { ServiceStatus } from '@mega/test-utils'

export type Row = Record<string, unknown>

/** The three SQL dialects, each with whether its server is up and a fresh adapter. */
export function dialectCases(pg: ServiceStatus, maria: ServiceStatus) {
  return [
    {
      name: 'postgres',
      available: pg.available,
      create: () => new PostgresAdapter('db', { url: pg.url ?? '' }),
    },
    {
      name: 'maria',
      available: maria.available,
      create: () => new MariaAdapter('db', { url: maria.url ?? '' }),
    },
    {
      name: 'sqlite',
      available: true,
      create: () => new SqliteAdapter('db', { filename: ':memory:' }),
    },
  ] as const
}

/** Applies operations like the runner: tracked schema, one transaction, SQLite hooks. */
export class Applier {
  schema: DatabaseSchema = EMPTY_SCHEMA
  constructor(readonly db: MegaSqlAdapter) {}

  async run(statements: readonly string[]): Promise<void> {
    for (const s of statements) await sql.raw(s).execute(this.db.kysely())
  }

  async apply(...ops: MigrationOperation[]): Promise<void> {
    const dialect = getMigrationDialect(this.db.dialect)
    const hooks = dialect as Partial<SqliteMigrationDialect>
    let schema = this.schema
    const statements: string[] = []
    for (const op of ops) {
      statements.push(...dialect.compile(op, schema))
      schema = applyOperation(schema, op)
    }
    await this.run(hooks.beforeTransaction ?? [])
    try {
      if (dialect.transactionalDdl) await this.db.transaction(() => this.run(statements))
      else await this.run(statements)
    } finally {
      await this.run(hooks.afterTransaction ?? [])
    }
    this.schema = schema
  }

  async live(): Promise<DatabaseSchema> {
    return canonicalSchema(
      await introspectSchema(this.db, { tables: Object.keys(this.schema.tables) }),
    )
  }

  rows(table: string): Promise<Row[]> {
    return this.db
      .kysely<Record<string, Row>>()
      .selectFrom(table)
      .selectAll()
      .orderBy('id')
      .execute()
  }

  /** Drops tables (children first), whatever state a failed test left. */
  async drop(tables: readonly string[]): Promise<void> {
    const q = this.db.dialect === 'maria' ? (t: string) => `\`${t}\`` : (t: string) => `"${t}"`
    for (const t of tables) await sql.raw(`DROP TABLE IF EXISTS ${q(t)}`).execute(this.db.kysely())
  }
}

/** A non-null column with `extra`. */
export const col = (
  name: string,
  type: ColumnSchema['type'],
  extra: Partial<ColumnSchema> = {},
): ColumnSchema => ({
  name,
  type,
  nullable: false,
  ...extra,
})
