// The migration lock on MongoDB: one lease document `{ _id: '<table>_lock', holder, token,
// acquiredAt, expiresAt }` in the `<table>_lock` collection. It is taken by one atomic upsert that
// matches only an expired lease (a live one makes the upsert collide on `_id`), renewed by a heartbeat
// while the run lasts, and deleted on release. A crashed run's lease expires after `ttlMs`.
import { randomUUID } from 'node:crypto'
import type { MegaError } from '@mega/observe'
import {
  everyInterval,
  lockedError,
  waitForLock,
  type HeldMigrationLock,
  type LockWaitConfig,
} from '../migrations/lock-parts.js'
import type { MongoDatabase } from './mongo-adapter.js'

/** The lease document. */
export interface MongoLockDocument {
  /** `<table>_lock`. */
  readonly _id: string
  /** `<hostname>:<pid>` of the run holding it. */
  readonly holder: string
  /** Tells two runs with the same holder name apart. */
  readonly token: string
  readonly acquiredAt: Date
  readonly expiresAt: Date
}

/** What the Mongo lock needs; the Mongo migrator fills it from its own options. */
export interface MongoMigrationLockConfig extends LockWaitConfig {
  readonly db: MongoDatabase
  /** The bookkeeping collection: the lease is document `<name>_lock` of collection `<name>_lock`. */
  readonly name: string
  /** Wall clock (leases compare the clocks of the runs: keep the hosts' clocks in sync). */
  readonly clock: () => Date
  /** Calls `fn` every `ms` until the returned stop is called. @default an unref'd setInterval */
  readonly every?: (ms: number, fn: () => void) => () => void
}

function lockedMongoError(config: MongoMigrationLockConfig, holder: string): MegaError {
  const extra = ` (its lease expires ${config.ttlMs} ms after its last heartbeat)`
  return lockedError(config, holder, extra)
}

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 11000
}

function leases(config: MongoMigrationLockConfig) {
  return config.db.collection<MongoLockDocument>(`${config.name}_lock`)
}

/** One attempt: `undefined` when this run took the lease, else who holds it. */
async function attempt(config: MongoMigrationLockConfig, token: string) {
  const id = `${config.name}_lock`
  const now = config.clock()
  const lease = {
    ...{ holder: config.holder, token, acquiredAt: now },
    expiresAt: new Date(now.getTime() + config.ttlMs),
  }
  try {
    await leases(config).findOneAndUpdate(
      { _id: id, expiresAt: { $lte: now } },
      { $set: lease },
      { upsert: true, returnDocument: 'after' },
    )
    return undefined
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
  }
  const held = await leases(config).findOne({ _id: id })
  return held === null
    ? 'a run that just ended'
    : `${held.holder} (since ${held.acquiredAt.toISOString()})`
}

/**
 * Takes the Mongo migration lock, waiting up to `timeoutMs` (polling every `pollMs`) for another run
 * to release it or for its lease to expire; then MEGA_DB_MIGRATION_LOCKED naming the holder. The
 * lease is renewed every `ttlMs / 3` while held. Release it in a `finally`.
 *
 * @example
 * const lock = await acquireMongoMigrationLock({ db, name: 'mega_migrations', timeoutMs: 60_000,
 *   ttlMs: 60_000, pollMs: 100, holder: migrationLockHolder(), clock: () => new Date(),
 *   sleep: (ms) => new Promise((r) => setTimeout(r, ms)) })
 * try { await migrate() } finally { await lock.release() }
 */
export async function acquireMongoMigrationLock(
  config: MongoMigrationLockConfig,
): Promise<HeldMigrationLock> {
  const token = randomUUID()
  const id = `${config.name}_lock`
  await waitForLock(
    config,
    () => attempt(config, token),
    (holder) => lockedMongoError(config, holder),
  )
  const renew = (): void => {
    const expiresAt = new Date(config.clock().getTime() + config.ttlMs)
    leases(config)
      .updateOne({ _id: id, token }, { $set: { expiresAt } })
      .catch(() => undefined)
  }
  const stop = (config.every ?? everyInterval)(Math.max(Math.floor(config.ttlMs / 3), 1), renew)
  const release = async (): Promise<void> => {
    stop()
    await leases(config)
      .deleteOne({ _id: id, token })
      .catch(() => undefined)
  }
  return { holder: config.holder, release }
}
