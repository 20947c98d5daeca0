import { spawn } from 'node:child_process'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { requireService, uniqueName } from '@mega/test-utils'
import { MariaAdapter } from '../../src/sql/maria/maria-adapter.js'
import { PostgresAdapter } from '../../src/sql/postgres/postgres-adapter.js'
import type { MegaSqlAdapter } from '../../src/sql/sql-adapter.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import type { SqlDialect } from '../../src/sql/sql-types.js'
import {
  createTableMigration,
  rawMigration,
  writeMigrations,
} from '../helpers/migration-runner-helpers.js'
import { transpileForChild } from '@mega/test-utils'

const pg = await requireService('postgres')
const maria = await requireService('maria')

const packageDir = fileURLToPath(new URL('../..', import.meta.url))
const fixture = join(packageDir, 'test/fixtures/migrations-lock/migrate-child.mjs')
const PROCESSES = 4

interface LockCase {
  readonly dialect: SqlDialect
  readonly available: boolean
  /** The transpiled adapter module and class, and its options (JSON). */
  readonly module: string
  readonly className: string
  options(dir: string): object
  /** A statement that keeps the lock held a while, so the other processes really wait. */
  readonly pause?: string
  create(options: object): MegaSqlAdapter
}

const cases: readonly LockCase[] = [
  {
    dialect: 'postgres',
    available: pg.available,
    module: 'sql/postgres/postgres-adapter.ts',
    className: 'PostgresAdapter',
    options: () => ({ url: pg.url, pool: { max: 3 } }),
    pause: 'select pg_sleep(0.3)',
    create: (o) => new PostgresAdapter('db', o),
  },
  {
    dialect: 'maria',
    available: maria.available,
    module: 'sql/maria/maria-adapter.ts',
    className: 'MariaAdapter',
    options: () => ({ url: maria.url, pool: { max: 3 } }),
    pause: 'select sleep(0.3)',
    create: (o) => new MariaAdapter('db', o),
  },
  {
    dialect: 'sqlite',
    available: true,
    module: 'sql/sqlite/sqlite-adapter.ts',
    className: 'SqliteAdapter',
    options: (dir) => ({ filename: join(dir, 'lock.sqlite'), busyTimeoutMs: 10_000 }),
    create: (o) => new SqliteAdapter('db', o),
  },
]

let outDir: string
let runnerModule: string
const adapterModules = new Map<string, string>()

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'mega-migrate-lock-'))
  // Bare imports (kysely, pg, @mega/core...) resolve through the package's own node_modules.
  await symlink(join(packageDir, 'node_modules'), join(outDir, 'node_modules'), 'dir')
  const entries = ['migrations/runner.ts', ...cases.map((c) => c.module)]
  const [runner, ...adapters] = await transpileForChild(join(packageDir, 'src'), entries, outDir)
  runnerModule = runner!
  cases.forEach((c, i) => adapterModules.set(c.module, adapters[i]!))
}, 60_000)

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true })
})

interface ChildResult {
  readonly code: number | null
  readonly results: readonly { readonly name: string; readonly status: string }[]
  readonly stderr: string
}

function runChild(c: LockCase, env: Record<string, string>): Promise<ChildResult> {
  const child = spawn(process.execPath, [fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000)
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(kill)
      const line = out.trim().split('\n').at(-1) ?? '[]'
      resolve({
        code,
        stderr: `${c.dialect}: ${err}`,
        results: JSON.parse(line || '[]') as ChildResult['results'],
      })
    }),
  )
}

describe.each(cases)('migration lock on $dialect', (c) => {
  let dir: string
  let db: MegaSqlAdapter
  let p: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mega-migrate-lock-db-'))
    if (!c.available) return
    db = c.create(c.options(dir))
    await db.connect()
  })

  afterEach(async () => {
    if (!c.available) return
    for (const table of [`${p}_marker`, `${p}_made`, `${p}_mm`, `${p}_mm_lock`])
      await sql`drop table if exists ${sql.table(table)}`.execute(db.kysely())
  })

  afterAll(async () => {
    if (c.available) await db.disconnect()
    await rm(dir, { recursive: true, force: true })
  })

  it.runIf(c.available)(
    'Four processes started at once against the same database apply each migration exactly once',
    async () => {
      p = uniqueName('lock')
      const root = await mkdtemp(join(dir, 'root-'))
      const marker = `${p}_marker`
      const insert = (id: string) => `insert into ${marker} (name) values ('${id}')`
      await writeMigrations(root, {
        '20260101000001-create-marker': rawMigration(
          [`create table ${marker} (name varchar(64))`],
          [`drop table ${marker}`],
        ),
        '20260101000002-mark-b': rawMigration([
          ...(c.pause === undefined ? [] : [c.pause]),
          insert('b'),
        ]),
        '20260101000003-create-made': createTableMigration(`${p}_made`, [insert('c')]),
      })
      const env = {
        MEGA_RUNNER_MODULE: runnerModule,
        MEGA_ADAPTER_MODULE: adapterModules.get(c.module)!,
        MEGA_ADAPTER_CLASS: c.className,
        MEGA_ADAPTER_OPTIONS: JSON.stringify(c.options(dir)),
        MEGA_ROOT: root,
        MEGA_TABLE: `${p}_mm`,
        MEGA_START_AT: String(Date.now() + 1500),
      }
      const children = await Promise.all(Array.from({ length: PROCESSES }, () => runChild(c, env)))

      expect(children.map((r) => [r.code, r.stderr])).toEqual(
        children.map(() => [0, `${c.dialect}: `]),
      )
      const applied = children.flatMap((r) => r.results).filter((r) => r.status === 'applied')
      expect(applied.map((r) => r.name).sort()).toEqual([
        '20260101000001-create-marker',
        '20260101000002-mark-b',
        '20260101000003-create-made',
      ])
      expect(children.flatMap((r) => r.results).every((r) => r.status === 'applied')).toBe(true)
      const booked = await db
        .kysely<Record<string, { name: string }>>()
        .selectFrom(`${p}_mm`)
        .select('name')
        .execute()
      expect(booked.map((r) => r.name).sort()).toEqual(applied.map((r) => r.name).sort())
      const marks = await db
        .kysely<Record<string, { name: string }>>()
        .selectFrom(marker)
        .select('name')
        .orderBy('name')
        .execute()
      expect(marks.map((r) => r.name)).toEqual(['b', 'c'])
    },
    90_000,
  )
})
