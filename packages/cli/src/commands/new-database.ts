// What `mega new --db <dialect>` changes in the app template: the `db` adapter of mega.config.ts, the
// database settings of .env.example (and .env for a server), the driver in package.json, how the
// tests reach their database, and the README lines about it. Everything else is dialect-neutral
// (the notes migration and the journal describe tables, not SQL).
import type { NewDatabase } from '../options.js'
import { TEMPLATE_VERSIONS } from '../templates.js'

/** The template variables of one database, for a project named `name` (kebab-case). */
export interface DatabaseVars extends Readonly<Record<string, string>> {
  /** The driver package the app depends on (`@mega/db` leaves it to the app). */
  readonly driver: string
  readonly driverRange: string
}

/** The TypeScript of the test files that boot the app: SQL (rolled back) or MongoDB (skipped without a server). */
const SQL_TESTS = {
  vitestIt: ', it',
  testAppImports: `import { createTestApp } from '@mega/core/testing'\n\nconst root = new URL('..', import.meta.url).pathname`,
  testIt: 'it',
  testApp: 'createTestApp({ root })',
}

const MONGO_TESTS = {
  vitestIt: '',
  testAppImports: `import { mongoTestApp, withMongo } from './mongo-test-app.js'`,
  testIt: 'withMongo',
  testApp: 'mongoTestApp()',
}

const SERVER_CONFIG_INTRO = (label: string, dbCreate: boolean) =>
  [
    `// ${label} for data: DATABASE_URL (.env in development${dbCreate ? '; `npx mega db create` creates it' : ''}),`,
    `// memory for the cache (Redis is one line: { driver: 'redis', url: ... }).`,
    `// Tests (NODE_ENV=test) read DATABASE_URL_TEST, else DATABASE_URL's database with "_test" appended.`,
  ].join('\n')

/** The URL of the development database `database` on a local server of `dialect`. */
function localUrl(dialect: Exclude<NewDatabase, 'sqlite'>, database: string): string {
  switch (dialect) {
    case 'postgres':
      return `postgres://postgres@127.0.0.1:5432/${database}`
    case 'maria':
      return `mysql://root@127.0.0.1:3306/${database}`
    case 'mongo':
      return `mongodb://127.0.0.1:27017/${database}`
  }
}

/** SQL servers: `mega db create`, and a `<name>_test` database prepared before each test run. */
function sqlServerVars(dialect: 'postgres' | 'maria', nameSnake: string): DatabaseVars {
  const label = dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB (or MySQL)'
  const dev = localUrl(dialect, `${nameSnake}_development`)
  const test = localUrl(dialect, `${nameSnake}_test`)
  return {
    ...SQL_TESTS,
    driver: dialect === 'postgres' ? 'pg' : 'mysql2',
    driverRange: dialect === 'postgres' ? TEMPLATE_VERSIONS.pgRange : TEMPLATE_VERSIONS.mysqlRange,
    builtDependencies: '"esbuild"',
    dbAdapterType: 'SqlDbAdapter',
    dbAdapter: `db: { driver: '${dialect}', url: env('DATABASE_URL') },`,
    dbConfigIntro: SERVER_CONFIG_INTRO(label, true),
    dbEnv: [
      "# The development database (npx mega db create) and the tests' one (created and migrated",
      '# before each test run).',
      `DATABASE_URL=${dev}`,
      `DATABASE_URL_TEST=${test}`,
    ].join('\n'),
    vitestDbNote: `The tests use ${nameSnake}_test (DATABASE_URL_TEST),\n  // created and migrated before the run by @mega/db/vitest-setup.`,
    vitestEnv: '',
    dbIntro: `${label} for data (\`DATABASE_URL\` in \`.env\`:\n\`${nameSnake}_development\` on the local server), memory for the cache.`,
    dbCommands: [
      'npx mega db create   # create the development database named in .env',
      'npx mega migrate up  # create the tables of apps/main/migrations',
    ].join('\n'),
    dbTests: `Here the tests use\n\`${nameSnake}_test\` (\`DATABASE_URL_TEST\` in \`.env\`): before the run it is created when missing and\nmigrated (\`@mega/db/vitest-setup\`).`,
    dbDeployFiles: '',
    dbSetting: 'DATABASE_URL',
  }
}

/**
 * The template variables of `dialect` for a project named `name`.
 *
 * @example
 * databaseVars('postgres', 'my-shop').dbAdapter // "db: { driver: 'postgres', url: env('DATABASE_URL') },"
 */
export function databaseVars(dialect: NewDatabase, name: string): DatabaseVars {
  const nameSnake = name.replace(/-/g, '_')
  switch (dialect) {
    case 'sqlite':
      return {
        ...SQL_TESTS,
        driver: 'better-sqlite3',
        driverRange: TEMPLATE_VERSIONS.betterSqliteRange,
        builtDependencies: '"better-sqlite3", "esbuild"',
        dbAdapterType: 'SqlDbAdapter',
        dbAdapter: "db: { driver: 'sqlite', filename: env('DATABASE_FILE', './data/app.sqlite') },",
        dbConfigIntro: [
          '// Everything runs without a server: SQLite for data, memory for the cache. Moving to PostgreSQL or',
          "// Redis is one line each: { driver: 'postgres', url: env('DATABASE_URL') }, { driver: 'redis', url: ... }.",
          '// Tests (NODE_ENV=test) read DATABASE_URL_TEST, else DATABASE_URL\'s database with "_test" appended.',
        ].join('\n'),
        dbEnv: 'DATABASE_FILE=./data/app.sqlite',
        vitestDbNote: 'The tests use an in-memory SQLite database.',
        vitestEnv: "env: { DATABASE_FILE: ':memory:' }, ",
        dbIntro:
          'It runs with no server installed: SQLite for\ndata (`./data/app.sqlite`), memory for the cache.',
        dbCommands:
          'npx mega migrate up  # create the tables of apps/main/migrations in ./data/app.sqlite',
        dbTests: [
          'On SQLite the tests use an in-memory database',
          '(`vitest.config.ts`). Before the run, a PostgreSQL or MariaDB test database is created when missing and',
          'migrated (`@mega/db/vitest-setup`).',
        ].join('\n'),
        dbDeployFiles: '`data/` (the SQLite file) and ',
        dbSetting: 'DATABASE_FILE',
      }
    case 'postgres':
    case 'maria':
      return sqlServerVars(dialect, nameSnake)
    case 'mongo':
      return {
        ...MONGO_TESTS,
        driver: 'mongodb',
        driverRange: TEMPLATE_VERSIONS.mongodbRange,
        builtDependencies: '"esbuild"',
        dbAdapterType: 'MongoDbAdapter',
        dbAdapter: "db: { driver: 'mongo', url: env('DATABASE_URL') },",
        dbConfigIntro: [
          '// MongoDB for data: DATABASE_URL (.env in development), memory for the cache (Redis is one line:',
          "// { driver: 'redis', url: ... }). Tests run on a database of their own (test/mongo-test-app.ts).",
        ].join('\n'),
        dbEnv: [
          '# The development database. The tests that boot the app run when the environment names a',
          '# server: MEGA_TEST_MONGO_URL=mongodb://127.0.0.1:27017 npx mega test (skipped without it).',
          `DATABASE_URL=${localUrl('mongo', `${nameSnake}_development`)}`,
        ].join('\n'),
        vitestDbNote:
          'Tests that need MongoDB run when MEGA_TEST_MONGO_URL\n  // is set (test/mongo-test-app.ts).',
        vitestEnv: '',
        dbIntro: `MongoDB for data (\`DATABASE_URL\` in \`.env\`:\n\`${nameSnake}_development\` on the local server), memory for the cache.`,
        dbCommands: 'npx mega migrate up  # the collections and indexes of apps/main/migrations',
        dbTests: [
          'MongoDB has no in-memory mode and no rolled-back',
          'transaction: the tests that boot the app run when `MEGA_TEST_MONGO_URL` names a server',
          '(`mongodb://127.0.0.1:27017`), each on a database of its own that is migrated and dropped after it',
          '(`test/mongo-test-app.ts`); without it they are skipped.',
        ].join('\n'),
        dbDeployFiles: '',
        dbSetting: 'DATABASE_URL',
      }
  }
}

/**
 * The `.env` a project on a database server starts with (git-ignored): the database settings of
 * `.env.example`, so `mega db create`, `mega migrate` and the tests find their database. SQLite
 * needs none.
 */
export function envFile(dialect: NewDatabase, vars: DatabaseVars): string | undefined {
  if (dialect === 'sqlite') return undefined
  return `# Local settings, never committed (see .env.example).\n${vars.dbEnv}\n`
}
