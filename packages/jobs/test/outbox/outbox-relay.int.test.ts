// The transactional outbox on real databases (PostgreSQL, MariaDB, SQLite) and the real NATS
// JetStream: a job written in a rolled-back transaction never runs, one in a committed transaction
// runs once, a relay that died between publishing and deleting does not run it twice, and two relays
// at once publish each row once.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { SqlDbAdapter } from '@mega/db'
import { caught, requireService } from '@mega/test-utils'
import { JobOutbox, OutboxRelay, type MegaJobQueue } from '../../src/index.js'
import { openQueue, recordEvents } from '../queue/queue-fixture.js'
import { outboxCount, outboxDatabases, outboxTables, WelcomeJob } from './outbox-fixture.js'

const nats = await requireService('nats')
const url = nats.url ?? 'nats://127.0.0.1:4222'

/** A queue consuming WelcomeJob into `runs`, and a way to wait until `n` runs are done. */
async function consumer(queue: MegaJobQueue) {
  const runs: string[] = []
  const events = recordEvents(queue)
  const worker = await queue.process(WelcomeJob, undefined, { runs })
  return { runs, done: (n: number) => events.next('done', n), stop: () => worker.stop() }
}

async function insertUser(trx: Parameters<JobOutbox['enqueue']>[0], users: string, id: string) {
  await sql`insert into ${sql.table(users)} (id, name) values (${id}, ${'n'})`.execute(trx)
}

describe.each(await outboxDatabases())('outbox on $name', ({ name, available, open }) => {
  describe.runIf(available && nats.available)(`${name} + JetStream`, () => {
    async function setup(): Promise<{ db: SqlDbAdapter; table: string; users: string }> {
      const db = await open()
      return { db, ...(await outboxTables(db)) }
    }

    it('a job enqueued in a rolled-back transaction never runs; a committed one runs once', async () => {
      const { db, table, users } = await setup()
      const outbox = new JobOutbox({ table })
      const queue = await openQueue(url)
      const relay = new OutboxRelay({ db, queue, table })

      const failed = db
        .kysely()
        .transaction()
        .execute(async (trx) => {
          await insertUser(trx, users, 'rolled-back')
          await outbox.enqueue(trx, WelcomeJob, { user: 'rolled-back' })
          throw new Error('the request failed after enqueuing')
        })
      await expect(failed).rejects.toThrow('the request failed after enqueuing')
      await db
        .kysely()
        .transaction()
        .execute(async (trx) => {
          await insertUser(trx, users, 'committed')
          await outbox.enqueue(trx, WelcomeJob, { user: 'committed' })
        })
      expect(await outboxCount(db, table)).toBe(1)

      expect(await relay.relayOnce()).toEqual({ published: 1, duplicates: 0, left: 0 })
      expect(await relay.relayOnce()).toEqual({ published: 0, duplicates: 0, left: 0 })
      expect(await outboxCount(db, table)).toBe(0)
      const c = await consumer(queue)
      await c.done(1)
      // a later job runs after it: the rolled-back one was never there to run before it
      await db.transaction(async () => {
        await outbox.enqueue(db.kysely(), WelcomeJob, { user: 'marker' })
      })
      await relay.relayOnce()
      await c.done(2)
      await c.stop()
      expect(c.runs).toEqual(['committed', 'marker'])
      const { rows } = await sql<{ id: string }>`select id from ${sql.table(users)}`.execute(
        db.kysely(),
      )
      expect(rows.map((r) => r.id)).toEqual(['committed'])
    })

    it('a relay that died after publishing, before deleting, does not run the job twice', async () => {
      const { db, table } = await setup()
      const outbox = new JobOutbox({ table })
      const real = await openQueue(url)
      // the same streams; its publish reaches JetStream, then the "process" dies (throws) before the delete
      const dying = await openQueue(url, {
        streamPrefix: real.config.streamPrefix,
        publish: async (subject, data, options) => {
          await real.config.nc.flush()
          const { jetstream } = await import('@nats-io/jetstream')
          await jetstream(real.config.nc).publish(subject, data, options)
          throw new Error('killed after the publish')
        },
      })
      const { id } = await db
        .kysely()
        .transaction()
        .execute((trx) => outbox.enqueue(trx, WelcomeJob, { user: 'once' }))
      const errors: string[] = []
      const first = new OutboxRelay({
        db,
        queue: dying,
        table,
        onError: (e) => errors.push(e.code),
      })
      expect(await first.relayOnce()).toEqual({ published: 0, duplicates: 0, left: 1 })
      expect(errors).toEqual(['MEGA_JOB_QUEUE_UNAVAILABLE'])
      expect(await outboxCount(db, table)).toBe(1)

      const second = new OutboxRelay({ db, queue: real, table })
      expect(await second.relayOnce()).toEqual({ published: 1, duplicates: 1, left: 0 })
      expect(await outboxCount(db, table)).toBe(0)
      const c = await consumer(real)
      await c.done(1)
      await db
        .kysely()
        .transaction()
        .execute((trx) => outbox.enqueue(trx, WelcomeJob, { user: 'marker' }))
      await second.relayOnce()
      await c.done(2)
      await c.stop()
      expect(c.runs).toEqual(['once', 'marker'])
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    })

    // SQLite has one writer: a second relay waits for the first's pass (across processes; in one
    // process better-sqlite3 blocks the event loop while it waits, so this case runs on servers only)
    it.runIf(name !== 'sqlite')(
      'two relays at once publish each committed row exactly once',
      async () => {
        const { db, table } = await setup()
        const outbox = new JobOutbox({ table })
        const users = Array.from({ length: 60 }, (_, i) => `u${i}`)
        await db
          .kysely()
          .transaction()
          .execute(async (trx) => {
            for (const user of users) await outbox.enqueue(trx, WelcomeJob, { user })
          })
        const queue = await openQueue(url)
        const other = await openQueue(url, { streamPrefix: queue.config.streamPrefix })
        const drain = async (relay: OutboxRelay) => {
          const totals = { published: 0, duplicates: 0 }
          for (;;) {
            const r = await relay.relayOnce()
            totals.published += r.published
            totals.duplicates += r.duplicates
            if (r.published === 0 && (await outboxCount(db, table)) === 0) return totals
          }
        }
        // a second connection of the same database, as a second process would have
        const db2 = await open(db)
        const [a, b] = await Promise.all([
          drain(new OutboxRelay({ db, queue, table, batchSize: 5 })),
          drain(new OutboxRelay({ db: db2, queue: other, table, batchSize: 5 })),
        ])
        expect(a.published + b.published).toBe(60)
        expect(a.duplicates + b.duplicates).toBe(0)
        const c = await consumer(queue)
        await c.done(60)
        await c.stop()
        expect([...c.runs].sort()).toEqual([...users].sort())
      },
    )

    it('keeps dedupeId and delayMs: a second row with the same dedupeId is dropped', async () => {
      const { db, table } = await setup()
      const outbox = new JobOutbox({ table })
      const queue = await openQueue(url)
      await db
        .kysely()
        .transaction()
        .execute(async (trx) => {
          await outbox.enqueue(trx, WelcomeJob, { user: 'a' }, { dedupeId: 'welcome-a' })
          await outbox.enqueue(trx, WelcomeJob, { user: 'a-again' }, { dedupeId: 'welcome-a' })
          await outbox.enqueue(trx, WelcomeJob, { user: 'later' }, { delayMs: 300 })
        })
      const relay = new OutboxRelay({ db, queue, table })
      expect(await relay.relayOnce()).toEqual({ published: 3, duplicates: 1, left: 0 })
      const c = await consumer(queue)
      await c.done(2)
      await c.stop()
      expect(c.runs.sort()).toEqual(['a', 'later'])
    })

    it('refuses an enqueue outside a transaction, writing nothing', async () => {
      const { db, table } = await setup()
      const error = await caught(
        new JobOutbox({ table }).enqueue(db.kysely(), WelcomeJob, { user: 'x' }),
      )
      expect(error.code).toBe('MEGA_JOBS_OUTBOX_NO_TRANSACTION')
      expect(error.message).toContain('pass the Kysely transaction')
      expect(await outboxCount(db, table)).toBe(0)
    })
  })
})
