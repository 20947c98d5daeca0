import {
  DummyDriver,
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Dialect,
} from 'kysely'
import { describe, expect, it } from 'vitest'
import { getMigrationDialect } from '../../src/migrations/dialect-registry.js'
import { isMongoDatabase } from '../../src/mongo/mongo-adapter.js'
import { mariaDdl } from '../../src/sql/maria/maria-migration-dialect.js'
import { postgresDdl } from '../../src/sql/postgres/postgres-migration-dialect.js'
import { sqlDialectOf, SQL_DIALECT_ADAPTERS } from '../../src/sql/sql-dialects.js'
import { likeToGlob } from '../../src/sql/sqlite/sqlite-dialect-adapter.js'
import { sqliteDdl } from '../../src/sql/sqlite/sqlite-migration-dialect.js'
import type { SqlDialect } from '../../src/sql/sql-types.js'

/** A Kysely that compiles `dialect`'s SQL and runs nothing. */
function compilerFor(dialect: SqlDialect): Kysely<Record<string, { name: string }>> {
  const parts = {
    postgres: [PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler],
    maria: [MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler],
    sqlite: [SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler],
  } as const
  const [Adapter, Introspector, Compiler] = parts[dialect]
  const kyselyDialect: Dialect = {
    createAdapter: () => new Adapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new Introspector(db),
    createQueryCompiler: () => new Compiler(),
  }
  return new Kysely({ dialect: kyselyDialect })
}

function likeSql(dialect: SqlDialect, pattern: string) {
  const { sql, parameters } = compilerFor(dialect)
    .selectFrom('users')
    .select('name')
    .where((eb) => sqlDialectOf(dialect).caseSensitiveLike(eb.ref('name'), pattern))
    .compile()
  return { sql, parameters }
}

describe('sqlDialectOf', () => {
  it('answers per dialect what the generic code used to branch on', () => {
    const table = SQL_DIALECT_ADAPTERS.map((d) => ({
      name: d.name,
      returning: d.supportsReturning,
      transactionalDdl: d.supportsTransactionalDdl,
    }))
    expect(table).toEqual([
      { name: 'postgres', returning: true, transactionalDdl: true },
      { name: 'maria', returning: false, transactionalDdl: false },
      { name: 'sqlite', returning: true, transactionalDdl: true },
    ])
  })

  it('registers each dialect adapter’s migration dialect under its name', () => {
    for (const adapter of SQL_DIALECT_ADAPTERS) {
      expect(sqlDialectOf(adapter.name)).toBe(adapter)
      expect(getMigrationDialect(adapter.name)).toBe(adapter.migrationDialect)
      expect(adapter.migrationDialect.transactionalDdl).toBe(adapter.supportsTransactionalDdl)
    }
  })
})

describe('encodeValue', () => {
  const at = new Date('2026-12-06T07:00:00.000Z')

  it('binds booleans as 0/1 and timestamps as ISO text on SQLite', () => {
    const sqlite = sqlDialectOf('sqlite')
    expect(sqlite.encodeValue('boolean', true)).toBe(1)
    expect(sqlite.encodeValue('boolean', false)).toBe(0)
    expect(sqlite.encodeValue('timestamp', at)).toBe('2026-12-06T07:00:00.000Z')
    expect(sqlite.encodeValue('string', 'x')).toBe('x')
  })

  it('binds the generic form as it is on PostgreSQL and MariaDB', () => {
    for (const name of ['postgres', 'maria'] as const) {
      expect(sqlDialectOf(name).encodeValue('boolean', true)).toBe(true)
      expect(sqlDialectOf(name).encodeValue('timestamp', at)).toBe(at)
    }
  })
})

describe('caseSensitiveLike', () => {
  it('compiles a case-sensitive LIKE per dialect with the pattern bound', () => {
    expect(likeSql('postgres', 'a\\_%')).toMatchInlineSnapshot(`
      {
        "parameters": [
          "a\\_%",
        ],
        "sql": "select "name" from "users" where "name" LIKE $1",
      }
    `)
    expect(likeSql('maria', 'a\\_%')).toMatchInlineSnapshot(`
      {
        "parameters": [
          "a\\_%",
        ],
        "sql": "select \`name\` from \`users\` where \`name\` LIKE BINARY ?",
      }
    `)
    expect(likeSql('sqlite', 'a\\_%')).toMatchInlineSnapshot(`
      {
        "parameters": [
          "a_*",
        ],
        "sql": "select "name" from "users" where "name" GLOB ?",
      }
    `)
  })

  it('turns a LIKE pattern into a GLOB pattern for SQLite, escapes kept literal', () => {
    expect(likeToGlob('50\\%_[x]*?')).toBe('50%?[[]x[]][*][?]')
    expect(likeToGlob('%a%')).toBe('*a*')
  })
})

describe('DDL quirks', () => {
  it('writes literals and defaults each dialect’s way', () => {
    const row = (d: typeof postgresDdl) => [
      d.quoteString("it's a \\ path"),
      d.booleanLiteral(true),
      d.timestampText('2026-12-06T07:00:00.000Z'),
      d.nowDefault(false),
      d.nowDefault(true),
    ]
    expect(row(postgresDdl)).toEqual([
      "'it''s a \\ path'",
      'TRUE',
      '2026-12-06T07:00:00.000Z',
      'CURRENT_TIMESTAMP',
      'CURRENT_DATE',
    ])
    expect(row(mariaDdl)).toEqual([
      "'it''s a \\\\ path'",
      '1',
      '2026-12-06 07:00:00.000',
      'CURRENT_TIMESTAMP(3)',
      '(curdate())',
    ])
    expect(row(sqliteDdl)).toEqual([
      "'it''s a \\ path'",
      '1',
      '2026-12-06T07:00:00.000Z',
      "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
      "(date('now'))",
    ])
  })
})

describe('isMongoDatabase', () => {
  it('tells a Mongo database from a SQL one and from anything else', () => {
    expect(isMongoDatabase({ dialect: 'mongo' })).toBe(true)
    expect(isMongoDatabase({ dialect: 'postgres' })).toBe(false)
    expect(isMongoDatabase(null)).toBe(false)
    expect(isMongoDatabase(undefined)).toBe(false)
  })
})
