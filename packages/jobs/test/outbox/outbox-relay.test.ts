// OutboxRelay on SQLite (a file) and the in-process queue: rows it cannot relay stay and are
// reported while the others go, polling relays what commits later, and options are checked.
import { sql } from 'kysely'
import { describe, expect, it, vi } from 'vitest'
import type { MegaError } from '@mega/observe'
import { caught } from '@mega/test-utils'
import { JobOutbox, MemoryJobQueue, OutboxRelay } from '../../src/index.js'
import { outboxCount, outboxDatabases, outboxTables, WelcomeJob } from './outbox-fixture.js'

const sqlite = (await outboxDatabases()).find((d) => d.name === 'sqlite')

async function setup() {
  if (sqlite === undefined) throw new Error('outboxDatabases() has no sqlite entry')
  const db = await sqlite.open()
  const { table } = await outboxTables(db)
  const queue = new MemoryJobQueue()
  const runs: string[] = []
  const worker = await queue.process(WelcomeJob, undefined, { runs })
  return { db, table, queue, runs, stop: () => worker.stop() }
}

describe('OutboxRelay (SQLite, in-process queue)', () => {
  it('leaves and reports a row it cannot relay, and relays the others', async () => {
    const { db, table, queue, runs, stop } = await setup()
    const outbox = new JobOutbox({ table })
    await db.transaction(async () => {
      await outbox.enqueue(db.kysely(), WelcomeJob, { user: 'a' })
      await outbox.enqueue(db.kysely(), WelcomeJob, { user: 'b' })
    })
    const [first] = (
      await sql<{ id: string }>`select id from ${sql.table(table)} order by created_at, id`.execute(
        db.kysely(),
      )
    ).rows
    await sql`update ${sql.table(table)} set payload = ${'{not json'} where id = ${first?.id}`.execute(
      db.kysely(),
    )
    await sql`insert into ${sql.table(table)} (id, job, payload, options, dedupe_id, created_at)
      values ('bad-subject', 'no.dots', '{}', '{}', null, 0)`.execute(db.kysely())
    const errors: MegaError[] = []
    const relay = new OutboxRelay({ db, queue, table, onError: (e) => errors.push(e) })
    expect(await relay.relayOnce()).toEqual({ published: 1, duplicates: 0, left: 2 })
    expect(errors.map((e) => e.code)).toEqual(['MEGA_JOB_INVALID', 'MEGA_JOBS_OUTBOX_UNAVAILABLE'])
    expect(errors[1]?.message).toContain(
      `Outbox row ${first?.id} (job "welcome") cannot be relayed`,
    )
    expect(await outboxCount(db, table)).toBe(2)
    await vi.waitFor(() => expect(runs).toEqual(['b']))
    await stop()
  })

  it('polls: jobs committed after start() run; stop() is idempotent', async () => {
    const { db, table, queue, runs, stop } = await setup()
    const relay = new OutboxRelay({ db, queue: () => queue, table, pollMs: 20, batchSize: 2 })
    relay.start()
    relay.start()
    const outbox = new JobOutbox({ table })
    await db.transaction(async () => {
      for (const user of ['a', 'b', 'c', 'd', 'e'])
        await outbox.enqueue(db.kysely(), WelcomeJob, { user })
    })
    await vi.waitFor(() => expect(runs).toEqual(['a', 'b', 'c', 'd', 'e']))
    await relay.stop()
    await relay.stop()
    expect(await outboxCount(db, table)).toBe(0)
    await stop()
  })

  it('checks its options, listing every problem', () => {
    const error = (() => {
      try {
        return new OutboxRelay({
          db: { dialect: 'oracle' },
          queue: new MemoryJobQueue(),
          batchSize: 0,
          pollMs: 1,
        } as never)
      } catch (err) {
        return err as MegaError
      }
    })() as MegaError
    expect(error.code).toBe('MEGA_CONFIG_INVALID')
    expect(error.issues?.map((i) => i.path).sort()).toEqual([
      'OutboxRelay.batchSize',
      'OutboxRelay.db',
      'OutboxRelay.pollMs',
    ])
  })

  it('refuses a payload JSON cannot hold before writing anything', async () => {
    const { db, table, stop } = await setup()
    const error = await caught(
      db.transaction(() =>
        new JobOutbox({ table }).enqueue(db.kysely(), WelcomeJob, { user: 1n } as never),
      ),
    )
    expect(error.code).toBe('MEGA_JOB_PAYLOAD_INVALID')
    expect(await outboxCount(db, table)).toBe(0)
    await stop()
  })
})
