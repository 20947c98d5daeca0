// The Mongo migration runner: the same steps as the SQL runner (run-steps.ts) against a Mongo
// database. Operations compile to MongoMigrationCommands (collections, indexes, `$jsonSchema`
// validators, document rewrites) that run with the driver; the bookkeeping is a `mega_migrations`
// collection of `{ _id: name, checksum, appliedAt, batch }` and the lock a lease document.
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import { isMongoDatabase, type MongoDatabase } from '../mongo/mongo-adapter.js'
import {
  mongoMigrationDialect,
  type MongoMigrationCommand,
  type MongoMigrationDialect,
} from '../mongo/mongo-migration-dialect.js'
import { migrationLockHolder } from './lock.js'
import type { AppliedMigration } from './migration-bookkeeping.js'
import {
  acquireMongoMigrationLock,
  type MongoMigrationLockConfig,
} from '../mongo/mongo-migration-lock.js'
import { migratorConfigSchema, type Migrator } from './migrator-config.js'
import { createStepMigrator, migrationLoader, sleepFor, type MigrationTarget } from './run-steps.js'
import { createMigrationSchema } from './schema-builder.js'

/** A Mongo database that can say whether it runs transactions (`MegaMongoAdapter` can). */
export type MigratableMongoDatabase = MongoDatabase & {
  /** `true` on a replica set or mongos. Absent: no transactions. */
  supportsTransactions?(): Promise<boolean>
}

/** A document of the bookkeeping collection. */
export interface MongoMigrationDocument {
  /** The migration name. */
  readonly _id: string
  /** sha256 of the file text when it was applied. */
  readonly checksum: string
  readonly appliedAt: Date
  /** Migrations applied by the same run share a batch number. */
  readonly batch: number
}

/** Server code of `NamespaceExists`. */
const NAMESPACE_EXISTS = 48

/** Commands a Mongo transaction may hold: others (collMod, drop, rename, dropIndex) cannot. */
const TRANSACTION_SAFE = ['createCollection', 'updateMany'] as const

/** The zod schema of {@link MongoMigratorConfig}: the SQL migrator's options, for a Mongo `db`. */
export const mongoMigratorConfigSchema = migratorConfigSchema
  .omit({ db: true, lockMode: true, dialect: true })
  .extend({
    /** The database to migrate (a Mongo adapter, connected). */
    db: z.custom<MigratableMongoDatabase>(
      (v) => isMongoDatabase(v) && typeof v.collection === 'function',
      'must be a Mongo database adapter',
    ),
    /** Compiles operations to commands. @default mongoMigrationDialect */
    dialect: z.custom<MongoMigrationDialect>((v) => typeof v === 'object' && v !== null).optional(),
  })

/** What {@link createMongoMigrator} takes: `db`, `root`, `app`, `table`, lock options, seams. */
export type MongoMigratorConfig = z.input<typeof mongoMigratorConfigSchema>

type Options = z.output<typeof mongoMigratorConfigSchema>

const json = (value: unknown): string => JSON.stringify(value)

/**
 * A command as mongosh would run it, for results and dry runs.
 *
 * @example
 * showMongoCommand({ kind: 'dropIndex', collection: 'users', name: 'users_email_key' })
 * // 'db.getCollection("users").dropIndex("users_email_key")'
 */
export function showMongoCommand(command: MongoMigrationCommand): string {
  const on = (name: string) => `db.getCollection(${json(name)})`
  switch (command.kind) {
    case 'createCollection':
      return `db.createCollection(${json(command.collection)}, ${json({ validator: command.validator })})`
    case 'dropCollection':
      return `${on(command.collection)}.drop()`
    case 'renameCollection':
      return `${on(command.from)}.renameCollection(${json(command.to)})`
    case 'setValidator':
      return `db.runCommand(${json({ collMod: command.collection, validator: command.validator })})`
    case 'createIndex':
      return `${on(command.collection)}.createIndex(${json(command.keys)}, ${json({ name: command.name, unique: command.unique })})`
    case 'dropIndex':
      return `${on(command.collection)}.dropIndex(${json(command.name)})`
    case 'updateMany':
      return `${on(command.collection)}.updateMany(${json(command.filter)}, ${json(command.update)}, {"bypassDocumentValidation":true})`
    case 'command':
      return `db.runCommand(${json(command.command)})`
  }
}

/**
 * Runs one command with the driver, in the transaction running in this async context if any.
 * Document rewrites bypass the validator: a migration moves documents between two schemas.
 */
async function executeMongoCommand(db: MongoDatabase, command: MongoMigrationCommand) {
  const session = db.currentSession()
  switch (command.kind) {
    case 'createCollection':
      return void (await db
        .db()
        .createCollection(command.collection, { validator: command.validator, session }))
    case 'dropCollection':
      return void (await db.db().dropCollection(command.collection, { session }))
    case 'renameCollection':
      return void (await db.db().renameCollection(command.from, command.to, { session }))
    case 'setValidator': {
      const collMod = { collMod: command.collection, validator: command.validator }
      return void (await db.db().command(collMod, { session }))
    }
    case 'createIndex': {
      const { name, unique } = command
      return void (await db
        .collection(command.collection)
        .createIndex(command.keys, { name, unique, session }))
    }
    case 'dropIndex':
      return void (await db.collection(command.collection).dropIndex(command.name, { session }))
    case 'updateMany': {
      const options = { session, bypassDocumentValidation: true }
      return void (await db
        .collection(command.collection)
        .updateMany(command.filter, command.update, options))
    }
    case 'command':
      return void (await db.db().command(command.command, { session }))
  }
}

/** Whether every command may run in a transaction (an index only on a collection it creates). */
export function isTransactionSafe(commands: readonly MongoMigrationCommand[]): boolean {
  const created = new Set<string>()
  return commands.every((c) => {
    if (c.kind === 'createCollection') created.add(c.collection)
    if (c.kind === 'createIndex') return created.has(c.collection)
    return (TRANSACTION_SAFE as readonly string[]).includes(c.kind)
  })
}

async function readMongoApplied(db: MongoDatabase, table: string) {
  const docs = await db
    .collection<MongoMigrationDocument>(table)
    .find({})
    .sort({ _id: 1 })
    .toArray()
  const rows = docs.map((d): AppliedMigration => {
    const applied_at = new Date(d.appliedAt).toISOString()
    return { name: d._id, checksum: d.checksum, applied_at, batch: Number(d.batch) }
  })
  return new Map(rows.map((row) => [row.name, row]))
}

async function ensureCollection(db: MongoDatabase, name: string): Promise<void> {
  const found = await db.db().listCollections({ name }, { nameOnly: true }).toArray()
  if (found.length > 0) return
  await db
    .db()
    .createCollection(name)
    .catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== NAMESPACE_EXISTS) throw err
    })
}

function mongoTarget(
  options: Options,
  lock: MongoMigrationLockConfig,
): MigrationTarget<MongoMigrationCommand> {
  const { db, table } = options
  const dialect = options.dialect ?? mongoMigrationDialect
  const collection = () => db.collection<MongoMigrationDocument>(table)
  let transactions = false
  const atomic = (commands: readonly MongoMigrationCommand[]) =>
    transactions && isTransactionSafe(commands)
  return {
    label: 'mongo',
    get partialReason() {
      return transactions
        ? 'mongo cannot run collMod, drop, renameCollection or dropIndex in a transaction'
        : 'this mongo server runs no transactions (not a replica set)'
    },
    compile: (operation, schema) => dialect.compile(operation, schema),
    show: showMongoCommand,
    readApplied: () => readMongoApplied(db, table),
    begin: async () => {
      const held = await acquireMongoMigrationLock(lock)
      try {
        transactions = (await db.supportsTransactions?.()) ?? false
        await ensureCollection(db, table)
      } catch (err) {
        await held.release()
        throw err
      }
      return () => held.release()
    },
    atomic,
    unit: async (commands, run) => (atomic(commands) ? db.transaction(run) : run()),
    execute: (command) => executeMongoCommand(db, command),
    record: async ({ name, checksum, applied_at, batch }) => {
      const doc = { _id: name, checksum, appliedAt: new Date(applied_at), batch }
      await collection().insertOne(doc, { session: db.currentSession() })
    },
    forget: async (name) => {
      await collection().deleteOne({ _id: name }, { session: db.currentSession() })
    },
    mapError: (err) => db.mapError(err),
  }
}

/**
 * Creates the migrator of an app on MongoDB: the same `up`, `down`, `redo`, `status` and dry runs as
 * the SQL migrator, with collections, indexes and `$jsonSchema` validators instead of DDL. Runs take a
 * lease-document lock. A migration runs in a transaction when the server supports them (replica set,
 * mongos) and all its commands may run in one (creating collections and their indexes, rewriting
 * documents); otherwise its commands run one by one and a failure leaves the earlier ones applied
 * (the result's error says how many).
 *
 * @example
 * const migrator = createMongoMigrator({ db: mongo, root: process.cwd() })
 * const results = await migrator.up()
 * const failed = results.find((r) => r.status === 'failed')
 * if (failed) throw failed.error
 */
export function createMongoMigrator(config: MongoMigratorConfig): Migrator {
  const options = parseOptions(mongoMigratorConfigSchema, config, 'migrator')
  const clock = options.clock ?? (() => new Date())
  const lock: MongoMigrationLockConfig = {
    ...{ db: options.db, name: options.table, timeoutMs: options.lockTimeoutMs },
    ...{ ttlMs: options.lockTtlMs, pollMs: options.lockPollMs, clock },
    ...{ sleep: options.sleep ?? sleepFor, holder: options.holder ?? migrationLockHolder() },
  }
  return createStepMigrator({
    target: mongoTarget(options, lock),
    clock,
    createSchema: options.createSchema ?? createMigrationSchema,
    load: migrationLoader(options),
  })
}
