// list / get / create through Mega's CRUD vs raw Kysely, on SQLite and PostgreSQL, in-process.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import pg from 'pg'
import { PostgresAdapter, SqliteAdapter, type SqlDbAdapter } from '@mega/db'
import { isReachable, serviceUrl, uniqueName } from '@mega/test-utils'
import { defineScenario, type BenchCase, type Contender } from '../harness/scenario.js'
import {
  CRUD_OPS,
  SEED_ROWS,
  createAndSeed,
  kyselyOps,
  megaOps,
  type BenchDb,
} from './crud-fixtures.js'

type Dialect = 'sqlite' | 'postgres'
/** One of the measured operations. */
export type Op = (typeof CRUD_OPS)[number]

/** Operations per round and contender for a real run (`--quick` takes a tenth). */
export const ITERATIONS: Readonly<Record<Dialect, Readonly<Record<Op, number>>>> = {
  sqlite: { list: 6000, get: 40_000, create: 10_000 },
  postgres: { list: 2000, get: 6000, create: 2000 },
}

/** How many times longer a warm-up round runs than a measured one. */
const WARMUP_FACTOR = 3

/** One dialect's databases: Mega's adapter and a raw Kysely instance on the same data. */
export interface Backend {
  readonly dialect: Dialect
  readonly table: string
  readonly mega?: SqlDbAdapter
  readonly raw?: Kysely<BenchDb>
  readonly unavailable?: string
  readonly cleanup: () => Promise<void>
}

/** A temporary SQLite file, seeded, opened by Mega's adapter and by raw Kysely. */
export async function openSqlite(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'mega-bench-'))
  const filename = join(dir, 'crud.sqlite')
  const table = 'bench_users'
  const mega = new SqliteAdapter('db', { filename })
  await mega.connect()
  // The same pragmas as the adapter (WAL, foreign keys, busy timeout) on its own connection.
  const raw = new Kysely<BenchDb>({
    dialect: new SqliteDialect({ database: new Database(filename, { timeout: 5000 }) }),
  })
  await sql`pragma journal_mode = WAL`.execute(raw)
  await sql`pragma foreign_keys = ON`.execute(raw)
  await createAndSeed(raw, table, 'sqlite')
  return {
    dialect: 'sqlite',
    table,
    mega,
    raw,
    cleanup: async () => {
      await raw.destroy()
      await mega.disconnect()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function openPostgres(): Promise<Backend> {
  const url = serviceUrl('postgres') ?? 'postgres://postgres@127.0.0.1:5432/test'
  const table = uniqueName('bench_users')
  if (!(await isReachable('postgres', url)))
    return {
      dialect: 'postgres',
      table,
      unavailable: `PostgreSQL does not answer at ${new URL(url).host} (set MEGA_TEST_PG_URL).`,
      cleanup: async () => undefined,
    }
  const mega = new PostgresAdapter('db', { url })
  await mega.connect()
  // The adapter's pool size (10), through its own pool.
  const raw = new Kysely<BenchDb>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) }),
  })
  const cleanup = async () => {
    await raw.schema.dropTable(table).ifExists().execute()
    await raw.destroy()
    await mega.disconnect()
  }
  try {
    await createAndSeed(raw, table, 'postgres')
  } catch (err) {
    await cleanup()
    throw err
  }
  return { dialect: 'postgres', table, mega, raw, cleanup }
}

/** A contender running `iterations` sequential operations per round: ops/s and CPU µs per op. */
export function contender(
  name: string,
  operation: (i: number) => Promise<unknown>,
  iterations: number,
): Contender {
  let next = 0 // never reuse an iteration number: create needs unique emails across rounds
  return {
    name,
    run: async ({ warmup }) => {
      // A warm-up round runs WARMUP_FACTOR times longer: pg's and Kysely's paths need thousands of
      // calls before the JIT settles (a short warm-up made the first measured rounds 2–3× slower).
      const n = warmup ? iterations * WARMUP_FACTOR : iterations
      const start = next
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      for (let i = start; i < start + n; i++) await operation(i)
      const seconds = (performance.now() - t0) / 1000
      const cpu = process.cpuUsage(cpu0)
      next += n
      return { value: n / seconds, cpuMicrosPerOp: (cpu.user + cpu.system) / n }
    },
  }
}

function crudCase(b: Backend, op: Op, scale: number): BenchCase {
  const name = `${b.dialect} · ${op}`
  if (b.unavailable !== undefined || b.mega === undefined || b.raw === undefined)
    return { name, unit: 'ops/s', contenders: [], unavailable: b.unavailable ?? 'not opened' }
  const iterations = Math.max(20, Math.round(ITERATIONS[b.dialect][op] * scale))
  return {
    name,
    unit: 'ops/s',
    reference: 'kysely',
    contenders: [
      contender('kysely', kyselyOps(b.raw, b.table, b.dialect, 'kysely')[op], iterations),
      contender('mega', megaOps(b.mega, b.table, 'mega')[op], iterations),
    ],
    goals: [{ contender: 'mega', measure: 'ratio', atLeast: 0.9 }],
    notes: [
      `${iterations} sequential operations per round (${iterations * WARMUP_FACTOR} in the warm-up round), one awaited at a time, in-process.`,
    ],
  }
}

const OP_NOTES: Readonly<Record<Op, string>> = {
  list: `list: page of 20 (pages 1–10 in turn) ordered by id, plus the total count (Mega's \`list\` returns both; raw Kysely runs the same two queries in parallel); table seeded with ${SEED_ROWS} rows.`,
  get: 'get: one row by primary key (Mega validates the id and converts the row to the model types; raw Kysely returns the driver row).',
  create:
    'create: one insert returning the row; Mega validates the input with the model schema and fills defaults and timestamps, raw Kysely passes them literally.',
}

export default defineScenario<Backend[]>({
  name: 'crud',
  title: "list, get and create through Mega's CRUD vs raw Kysely, on SQLite and PostgreSQL",
  setup: async () => {
    const sqlite = await openSqlite()
    try {
      return [sqlite, await openPostgres()]
    } catch (err) {
      await sqlite.cleanup()
      throw err
    }
  },
  contenders: (backends, ctx) =>
    backends.flatMap((b) =>
      CRUD_OPS.map((op) => {
        const c = crudCase(b, op, ctx.iterationScale)
        return { ...c, notes: [OP_NOTES[op], ...(c.notes ?? [])] }
      }),
    ),
  teardown: async (backends) => {
    for (const b of backends) await b.cleanup()
  },
})
