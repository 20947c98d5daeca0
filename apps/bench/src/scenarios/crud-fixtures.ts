// The crud scenario's table, model and the two implementations of each operation (Mega CRUD, raw
// Kysely) doing the same SQL work.
import { col, createCrud, defineModel, type SqlDbAdapter } from '@mega/db'
import type { Generated, Kysely } from 'kysely'

/** Rows in the table before any operation is measured. */
export const SEED_ROWS = 1000
/** Rows per `list` page. */
export const PAGE_SIZE = 20
/** `list` walks pages 1..LIST_PAGES in turn. */
export const LIST_PAGES = 10

/** The table as raw Kysely sees it (timestamps are ISO text on SQLite, timestamptz on PostgreSQL). */
export interface UserTable {
  id: Generated<number>
  email: string
  name: string
  age: number
  role: string
  active: boolean | number
  created_at: Date | string
  updated_at: Date | string
}

/** Any table name → {@link UserTable}: the table name is unique per run. */
export type BenchDb = Record<string, UserTable>

/** The Mega model of the table. */
export function userModel(table: string) {
  return defineModel(table, {
    id: col.id(),
    email: col.string(255).unique(),
    name: col.string(100),
    age: col.integer(),
    role: col.enum(['user', 'admin']).default('user'),
    active: col.boolean().default(true),
  })
}

/** Creates the table (the DDL the model describes) and inserts {@link SEED_ROWS} rows. */
export async function createAndSeed(
  k: Kysely<BenchDb>,
  table: string,
  dialect: 'sqlite' | 'postgres',
): Promise<void> {
  const pg = dialect === 'postgres'
  await k.schema
    .createTable(table)
    .addColumn('id', pg ? 'serial' : 'integer', (c) =>
      pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('email', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('age', 'integer', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull().defaultTo('user'))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', pg ? 'timestamptz' : 'text', (c) => c.notNull())
    .addColumn('updated_at', pg ? 'timestamptz' : 'text', (c) => c.notNull())
    .execute()
  const now = pg ? new Date() : new Date().toISOString()
  for (let start = 0; start < SEED_ROWS; start += 250) {
    const rows = Array.from({ length: Math.min(250, SEED_ROWS - start) }, (_, j) => ({
      email: `seed-${start + j}@bench.test`,
      name: `Seed user ${start + j}`,
      age: (start + j) % 90,
      role: (start + j) % 10 === 0 ? 'admin' : 'user',
      active: pg ? true : 1,
      created_at: now,
      updated_at: now,
    }))
    await k.insertInto(table).values(rows).execute()
  }
}

/** The three measured operations, given the iteration number. */
export interface CrudOps {
  readonly list: (i: number) => Promise<unknown>
  readonly get: (i: number) => Promise<unknown>
  readonly create: (i: number) => Promise<unknown>
}

/** Names of the operations, in the order they are measured. */
export const CRUD_OPS = ['list', 'get', 'create'] as const

/** The id `get` reads at iteration `i` (every seeded row in turn). */
function idAt(i: number): number {
  return (i % SEED_ROWS) + 1
}

function newUser(tag: string, i: number) {
  return { email: `${tag}-${i}@bench.test`, name: `New user ${i}`, age: i % 90 }
}

/** Mega's CRUD: `list({ page, perPage })`, `get(id)`, `create(input)`. */
export function megaOps(db: SqlDbAdapter, table: string, tag: string): CrudOps {
  const users = createCrud(userModel(table), db)
  return {
    list: (i) => users.list({ page: (i % LIST_PAGES) + 1, perPage: PAGE_SIZE }),
    get: (i) => users.get(idAt(i)),
    create: (i) => users.create(newUser(tag, i)),
  }
}

/**
 * Raw Kysely doing the same SQL work: the page and the total count in parallel (as CRUD's `list`
 * returns both), a select by id, an insert returning the row with the defaults and timestamps CRUD
 * fills in. Rows come back as the driver gives them (no conversion).
 */
export function kyselyOps(
  k: Kysely<BenchDb>,
  table: string,
  dialect: 'sqlite' | 'postgres',
  tag: string,
): CrudOps {
  const pg = dialect === 'postgres'
  return {
    list: async (i) => {
      const page = (i % LIST_PAGES) + 1
      const [items, count] = await Promise.all([
        k
          .selectFrom(table)
          .selectAll()
          .orderBy('id')
          .limit(PAGE_SIZE)
          .offset((page - 1) * PAGE_SIZE)
          .execute(),
        k
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow(),
      ])
      return { items, total: Number(count.n), page, perPage: PAGE_SIZE }
    },
    get: (i) => k.selectFrom(table).selectAll().where('id', '=', idAt(i)).executeTakeFirstOrThrow(),
    create: (i) => {
      const now = pg ? new Date() : new Date().toISOString()
      return k
        .insertInto(table)
        .values({
          ...newUser(tag, i),
          role: 'user',
          active: pg ? true : 1,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
    },
  }
}
