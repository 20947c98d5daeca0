import { beforeEach, describe, expect, it } from 'vitest'
import type { MegaError } from '@mega/observe'
import { tempDir } from '@mega/test-utils'
import {
  acquireMongoMigrationLock,
  type MongoMigrationLockConfig,
} from '../../src/mongo/mongo-migration-lock.js'
import { createMongoMigrator } from '../../src/migrations/mongo-runner.js'
import { createTableMigration, writeMigrations } from '../helpers/migration-runner-helpers.js'
import { FakeMigrationMongo } from '../helpers/mongo-migration-fake.js'

const A = '20260101000001-create-alpha'

let root: string
let fake: FakeMigrationMongo

beforeEach(async () => {
  root = await tempDir('mega-mongo-lock-')
  fake = new FakeMigrationMongo()
})

const statuses = (results: readonly { status: string }[]) => results.map((r) => r.status)

describe('acquireMongoMigrationLock', () => {
  let now: number
  let beats: (() => void)[]

  function lockConfig(holder: string, extra: Partial<MongoMigrationLockConfig> = {}) {
    return {
      ...{ db: fake, name: 'mega_migrations', timeoutMs: 1000, ttlMs: 600, pollMs: 100, holder },
      clock: () => new Date(now),
      sleep: async (ms: number) => void (now += ms),
      every: (_: number, fn: () => void) => (beats.push(fn), () => void beats.splice(0)),
      ...extra,
    } satisfies MongoMigrationLockConfig
  }

  const lease = () => fake.docs('mega_migrations_lock')[0]

  beforeEach(() => {
    now = Date.parse('2026-06-12T09:00:00.000Z')
    beats = []
  })

  it('writes a lease document with holder and expiry, and deletes it on release', async () => {
    const held = await acquireMongoMigrationLock(lockConfig('host-a:1'))
    expect(lease()).toMatchObject({
      _id: 'mega_migrations_lock',
      holder: 'host-a:1',
      acquiredAt: new Date(now),
      expiresAt: new Date(now + 600),
    })
    await held.release()
    expect(lease()).toBeUndefined()
    expect(beats).toEqual([])
  })

  it('times out on a live lease with MEGA_DB_MIGRATION_LOCKED naming the holder', async () => {
    const held = await acquireMongoMigrationLock(lockConfig('host-a:1', { ttlMs: 60_000 }))
    const error = await acquireMongoMigrationLock(lockConfig('host-b:2'))
      .then(() => undefined)
      .then(
        () => undefined,
        (err: unknown) => err as MegaError,
      )
    expect(error).toMatchObject({ code: 'MEGA_DB_MIGRATION_LOCKED', statusCode: 409 })
    expect(error?.message).toContain('host-a:1 (since 2026-06-12T09:00:00.000Z)')
    expect(lease()).toMatchObject({ holder: 'host-a:1' })
    await held.release()
  })

  it('takes over an expired lease, and the old holder cannot release the new one', async () => {
    const stale = await acquireMongoMigrationLock(lockConfig('host-a:1'))
    now += 601
    const fresh = await acquireMongoMigrationLock(lockConfig('host-b:2'))
    expect(lease()).toMatchObject({ holder: 'host-b:2', acquiredAt: new Date(now) })
    await stale.release()
    expect(lease()).toMatchObject({ holder: 'host-b:2' })
    await fresh.release()
    expect(lease()).toBeUndefined()
  })

  it('keeps the lease alive with its heartbeat', async () => {
    const held = await acquireMongoMigrationLock(lockConfig('host-a:1'))
    now += 500
    beats.forEach((beat) => beat())
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(lease()).toMatchObject({ expiresAt: new Date(now + 600) })
    now += 500
    const error = await acquireMongoMigrationLock(lockConfig('host-b:2', { timeoutMs: 0 })).catch(
      (err: unknown) => err,
    )
    expect(error).toMatchObject({ code: 'MEGA_DB_MIGRATION_LOCKED' })
    await held.release()
  })

  it('makes a migrator wait for the lock, then fail naming the holder', async () => {
    await writeMigrations(root, { [A]: createTableMigration('alpha') })
    const held = await acquireMongoMigrationLock(lockConfig('other-host:4242', { ttlMs: 60_000 }))
    const clock = () => new Date(now)
    const error = await createMongoMigrator({
      ...{ db: fake, root, lockPollMs: 5, lockTimeoutMs: 300 },
      clock,
      sleep: async (ms) => void (now += ms),
    })
      .up()
      .then(
        () => undefined,
        (err: unknown) => err as MegaError,
      )
    expect(error).toMatchObject({ code: 'MEGA_DB_MIGRATION_LOCKED' })
    expect(error?.message).toContain('other-host:4242')
    expect(statuses(await createMongoMigrator({ db: fake, root }).status())).toEqual(['pending'])
    await held.release()
    expect(statuses(await createMongoMigrator({ db: fake, root }).up())).toEqual(['applied'])
  })
})
