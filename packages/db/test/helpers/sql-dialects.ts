import { requireService, serviceUrl } from '@mega/test-utils'
import { MariaAdapter } from '../../src/sql/maria/maria-adapter.js'
import { PostgresAdapter } from '../../src/sql/postgres/postgres-adapter.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import type { SqlDbAdapter } from '../../src/sql/sql-types.js'

/** One real SQL database a suite runs on: whether it answers, and how to open an adapter on it. */
export interface SqlDialectUnderTest {
  readonly name: 'sqlite' | 'postgres' | 'maria'
  readonly available: boolean
  /** A new adapter; SQLite keeps its file in `dir`. */
  readonly open: (dir: string) => SqlDbAdapter
}

/** SQLite (a file), PostgreSQL and MariaDB, for `describe.each` over the three real databases. */
export async function sqlDialects(): Promise<readonly SqlDialectUnderTest[]> {
  const pg = await requireService('postgres')
  const maria = await requireService('maria')
  return [
    {
      name: 'sqlite',
      available: true,
      open: (dir) => new SqliteAdapter('db', { filename: `${dir}/app.sqlite` }),
    },
    {
      name: 'postgres',
      available: pg.available,
      open: () => new PostgresAdapter('db', { url: serviceUrl('postgres') ?? '' }),
    },
    {
      name: 'maria',
      available: maria.available,
      open: () => new MariaAdapter('db', { url: serviceUrl('maria') ?? '' }),
    },
  ]
}
