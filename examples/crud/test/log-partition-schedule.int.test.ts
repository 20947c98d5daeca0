import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMigrator, PostgresAdapter, type SqlDbAdapter } from '@mega/db'
import {
  jobs,
  runWorkers,
  type MegaWorkers,
  type ScheduleTickInfo,
  type ScheduleTimers,
} from '@mega/jobs'
import { requireService, uniqueName } from '@mega/test-utils'
import { root } from './helpers/crud-app.js'

const pg = await requireService('postgres')

/** A clock that moves only when told; `advanceTo` fires the timers due on the way, in order. */
class ManualTimers implements ScheduleTimers {
  #now: number
  #seq = 0
  readonly #timers = new Map<number, { at: number; fn: () => void }>()
  constructor(start: string) {
    this.#now = Date.parse(start)
  }
  now = (): number => this.#now
  setTimeout = (fn: () => void, ms: number): unknown => {
    this.#timers.set(++this.#seq, { at: this.#now + ms, fn })
    return this.#seq
  }
  clearTimeout = (handle: unknown): void => void this.#timers.delete(handle as number)
  advanceTo(to: string): void {
    const target = Date.parse(to)
    for (;;) {
      const [id, due] = [...this.#timers].sort(([, a], [, b]) => a.at - b.at)[0] ?? []
      if (id === undefined || due === undefined || due.at > target) break
      this.#timers.delete(id)
      this.#now = due.at
      due.fn()
    }
    this.#now = target
  }
}

// The worker process of the example (`mega worker`), on a fresh PostgreSQL database, with the
// schedules' clock injected: the monthly tick runs through the scheduler, lock included.
describe.runIf(pg.available)('the log-partition schedule in mega worker on PostgreSQL', () => {
  const database = uniqueName('crudsched')
  const timers = new ManualTimers('2030-07-01T02:59:00Z')
  const ticks: ScheduleTickInfo[] = []
  let tickSeen: () => void = () => undefined
  const nextTick = () => new Promise<void>((resolve) => (tickSeen = resolve))
  let admin: PostgresAdapter
  let workers: MegaWorkers

  beforeAll(async () => {
    admin = new PostgresAdapter('admin', { url: pg.url!, pool: { max: 1 } })
    await admin.connect()
    await sql`create database ${sql.id(database)}`.execute(admin.kysely())
    const url = new URL(pg.url!)
    url.pathname = `/${database}`
    // Under NODE_ENV=test the config reads DATABASE_URL_TEST first (@mega/core env())
    process.env.DATABASE_URL_TEST = url.href
    // mega.config.ts reads DATABASE_URL when it loads: import it once that is set
    const config = (await import('../mega.config.js')).default
    const onTick = (info: ScheduleTickInfo) => {
      ticks.push(info)
      tickSeen()
    }
    // missedTicks 'run-once': a worker starting mid-month runs that month's tick if no one did
    const caughtUp = nextTick()
    workers = await runWorkers({
      root,
      signals: false,
      boot: {
        config: {
          ...config,
          logger: { enabled: false },
          plugins: [
            ...config.plugins.filter((p) => p.name !== 'jobs'),
            jobs({ schedules: { timers, onTick } }),
          ],
        },
      },
    })
    await caughtUp // before the migrations: nothing to keep yet
    const db = workers.runtime.adapters.get<SqlDbAdapter>('db')
    const results = await createMigrator({ db, root }).up()
    const failed = results.find((r) => r.status === 'failed')
    if (failed !== undefined) throw failed.error
  })

  afterAll(async () => {
    await workers?.close()
    delete process.env.DATABASE_URL_TEST
    await sql`drop database if exists ${sql.id(database)} with (force)`.execute(admin.kysely())
    await admin.disconnect()
  })

  it('drops the partitions older than the retention at the 1st-of-month tick and creates the coming months', async () => {
    expect(workers.schedules).toEqual(['log-partitions'])
    const service = workers.runtime.server.apps[0]!.scope.services.logPartition
    await service.ensure(new Date('2029-11-15T00:00:00Z'), 2) // Nov 2029 to Jan 2030
    await service.ensure(new Date('2030-06-15T00:00:00Z'), 0) // June 2030
    const ran = nextTick()
    timers.advanceTo('2030-07-01T03:00:00Z')
    await ran
    expect(ticks.map((t) => [t.schedule, t.outcome, t.scheduledAt.toISOString()])).toEqual([
      ['log-partitions', 'ran', '2030-06-01T03:00:00.000Z'], // the catch-up at start
      ['log-partitions', 'ran', '2030-07-01T03:00:00.000Z'],
    ])
    // July 2030 keeps itself and the 6 full months before it (January to June)
    const names = (await service.list()).partitions.map((p) => p.name)
    expect(names).toEqual([
      'logs_203001',
      'logs_203006',
      'logs_203007',
      'logs_203008',
      'logs_203009',
    ])
  })
})
