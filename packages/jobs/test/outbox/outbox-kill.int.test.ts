// The outbox across a process that dies (SIGKILL) at the worst moments, on the shared PostgreSQL,
// MariaDB and NATS JetStream, with the built packages in the child: between commit and relay, and
// between the relay's publish and its delete. A fresh `mega worker` (runWorkers, relay on) then runs
// the job exactly once.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { sql } from 'kysely'
import { describe, expect, it, vi } from 'vitest'
import { megaDrivers, type SqlDbAdapter } from '@mega/db'
import { createShutdown } from '@mega/observe'
import {
  disposeAfterTest,
  requireService,
  serviceUrl,
  uniqueName,
  userShellEnv,
} from '@mega/test-utils'
import { jobs, JobOutbox, MegaJob, runWorkers } from '../../src/index.js'
import {
  outboxCount,
  outboxDatabases,
  outboxTables,
  type OutboxDbUnderTest,
} from './outbox-fixture.js'

const nats = await requireService('nats')
const natsUrl = nats.url ?? 'nats://127.0.0.1:4222'
// the two servers: a child process cannot share the test's SQLite connection the way it is opened here
const servers = (await outboxDatabases()).filter(
  (d): d is OutboxDbUnderTest & { name: 'postgres' | 'maria' } => d.name !== 'sqlite',
)
const fixture = fileURLToPath(new URL('../fixtures/outbox-child.mjs', import.meta.url))
const root = fileURLToPath(new URL('../fixtures/jobs-app', import.meta.url))
const cwd = fileURLToPath(new URL('../..', import.meta.url))

/** Runs the child until it prints `until` (then SIGKILLs it) or kills itself; resolves its output. */
function child(
  env: Record<string, string>,
  until?: string,
): Promise<{ output: string; signal: string | null }> {
  const proc = spawn(process.execPath, [fixture], {
    cwd,
    env: userShellEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  disposeAfterTest(() => proc.kill('SIGKILL'))
  let output = ''
  const onData = (chunk: Buffer) => {
    output += chunk.toString()
    if (until !== undefined && output.includes(until)) proc.kill('SIGKILL')
  }
  proc.stdout.on('data', onData)
  proc.stderr.on('data', onData)
  return new Promise((resolve) => proc.on('close', (_code, signal) => resolve({ output, signal })))
}

function streamPrefix(): string {
  const prefix = uniqueName('ob').toUpperCase()
  disposeAfterTest(async () => {
    const nc = await connect({ servers: natsUrl })
    const jsm = await jetstreamManager(nc)
    for (const name of [prefix, `${prefix}_DLQ`]) await jsm.streams.delete(name).catch(() => false)
    await nc.close()
  })
  return prefix
}

/** The enqueuing side's view of jobs-app's RecordJob (the subject 'record' is what travels). */
class RecordJobRef extends MegaJob<{ n: number }> {
  static override subject = 'record'
  run(): void {}
}

/** A `mega worker` with the outbox relay on; `seen` collects what RecordJob ran. */
async function worker(
  driver: 'postgres' | 'maria',
  db: SqlDbAdapter,
  table: string,
  prefix: string,
  seen: number[],
) {
  const workers = await runWorkers({
    root,
    signals: false,
    typescript: false,
    boot: {
      drivers: megaDrivers,
      config: {
        name: 'outbox-worker',
        logger: { enabled: false },
        adapters: {
          db: { driver, url: serviceUrl(driver) ?? '' },
          bus: { driver: 'nats', url: natsUrl },
        },
        plugins: [
          jobs({
            queue: { streamPrefix: prefix },
            outbox: { table, pollMs: 50 },
          }),
        ],
      },
      apps: { main: { services: { probe: { seen } } } },
      shutdown: createShutdown({
        process: { on: () => undefined, removeListener: () => undefined, exit: () => undefined },
      }),
    },
  })
  disposeAfterTest(() => workers.close())
  // a job committed after the first: when it has run, anything relayed twice would have run before it
  const marker = async (n: number) => {
    await db
      .kysely()
      .transaction()
      .execute((trx) => new JobOutbox({ table }).enqueue(trx, RecordJobRef, { n }))
  }
  return { workers, marker }
}

describe.each(servers)('outbox across a killed process ($name)', ({ name, available, open }) => {
  describe.runIf(available && nats.available)(`${name} + JetStream`, () => {
    it('a job committed by a process killed before any relay runs exactly once in a fresh worker', async () => {
      const db = await open()
      const { table, users } = await outboxTables(db)
      const prefix = streamPrefix()
      const env = {
        OUTBOX_MODE: 'commit',
        DB_DRIVER: name,
        DB_URL: serviceUrl(name) ?? '',
        NATS_URL: natsUrl,
        OUTBOX_TABLE: table,
        STREAM_PREFIX: prefix,
      }
      const { output, signal } = await child(env, '{"committed":7}')
      expect(signal).toBe('SIGKILL')
      expect(output).toContain('{"committed":7}')
      expect(await outboxCount(db, table)).toBe(1)
      const { rows } = await sql<{ id: string }>`select id from ${sql.table(users)}`.execute(
        db.kysely(),
      )
      expect(rows).toEqual([{ id: '7' }])

      const seen: number[] = []
      const { marker } = await worker(name, db, table, prefix, seen)
      await vi.waitFor(() => expect(seen).toEqual([7]), { timeout: 10_000 })
      await marker(8)
      await vi.waitFor(() => expect(seen).toEqual([7, 8]), { timeout: 10_000 })
      // the relay commits its delete just after the publish the job ran from
      await vi.waitFor(async () => expect(await outboxCount(db, table)).toBe(0))
    }, 30_000)

    it('a relay killed between its publish and its delete does not make the job run twice', async () => {
      const db = await open()
      const { table } = await outboxTables(db)
      const prefix = streamPrefix()
      await db
        .kysely()
        .transaction()
        .execute((trx) => new JobOutbox({ table }).enqueue(trx, RecordJobRef, { n: 1 }))
      const env = {
        OUTBOX_MODE: 'publish',
        DB_DRIVER: name,
        DB_URL: serviceUrl(name) ?? '',
        NATS_URL: natsUrl,
        OUTBOX_TABLE: table,
        STREAM_PREFIX: prefix,
      }
      const { output, signal } = await child(env)
      expect(signal).toBe('SIGKILL')
      expect(output).toContain('{"published":1}')
      // the row is still there: the relay's transaction died with the process
      expect(await outboxCount(db, table)).toBe(1)

      const seen: number[] = []
      const { marker } = await worker(name, db, table, prefix, seen)
      await vi.waitFor(() => expect(seen).toEqual([1]), { timeout: 10_000 })
      await marker(2)
      await vi.waitFor(() => expect(seen).toEqual([1, 2]), { timeout: 10_000 })
      // the relay commits its delete just after the publish the job ran from
      await vi.waitFor(async () => expect(await outboxCount(db, table)).toBe(0))
    }, 30_000)
  })
})
