import { AsyncLocalStorage } from 'node:async_hooks'
import type {
  ClientSession,
  Collection,
  Db,
  Document,
  MongoClient,
  MongoClientOptions,
} from 'mongodb'
import { BaseAdapter, type AdapterHealth, type MegaAdapter } from '@mega/core'
import { MegaError } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import { dbError } from '../errors.js'
import { loadDriver } from '../load-driver.js'
import { mapMongoError } from './mongo-error-mapper.js'
import {
  mongoOptionsSchema,
  type MongoAdapterConfig,
  type ResolvedMongoOptions,
} from './mongo-options.js'

/**
 * What models, CRUD and migrations need of a Mongo database: collections, transactions that CRUD
 * joins through {@link MongoDatabase.currentSession}, and error mapping.
 */
export interface MongoDatabase {
  readonly dialect: 'mongo'
  /** The connected database; throws `MEGA_DB_NOT_CONNECTED` before `connect`. */
  db(): Db
  /** A collection of the connected database. */
  collection<T extends Document = Document>(name: string): Collection<T>
  /**
   * The session of the transaction running in this async context, or `undefined`: pass it as
   * `{ session }` to every operation so it joins the transaction.
   */
  currentSession(): ClientSession | undefined
  /**
   * Runs `fn` in a transaction: committed when it resolves, aborted when it throws (the error is
   * rethrown, mapped). The driver may run `fn` again on a transient error. A nested call joins
   * the outer transaction (Mongo has no savepoints).
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>
  /** Maps a driver error to a MegaError (409/422/503/500). */
  mapError(err: unknown): MegaError
}

/**
 * `true` when `db` is a Mongo database (its `dialect` is `mongo`): how code that takes any database
 * (CRUD, migrators) picks the Mongo side.
 *
 * @example
 * if (isMongoDatabase(db)) return new MongoModelCrud(model, db)
 */
export function isMongoDatabase(db: unknown): db is MongoDatabase {
  return (db as Partial<MongoDatabase> | null | undefined)?.dialect === 'mongo'
}

/** A Mongo database adapter: the adapter contract of `@mega/core` plus {@link MongoDatabase}. */
export interface MongoDbAdapter extends MegaAdapter, MongoDatabase {
  readonly kind: 'db'
}

/** Seams of {@link MegaMongoAdapter}, for tests. */
export interface MongoAdapterSeams {
  /**
   * Creates the driver client. @default (url, options) => new MongoClient(url, options), `mongodb`
   * loaded on connect
   */
  readonly createClient?: (url: string, options: MongoClientOptions) => MongoClient
  /** Clock for health latency, in ms. @default performance.now */
  readonly now?: () => number
}

/** The default client factory, once `mongodb` is loaded (on connect: it is a peer dependency). */
async function defaultCreateClient(
  alias: string,
): Promise<NonNullable<MongoAdapterSeams['createClient']>> {
  const { MongoClient } = await loadDriver('mongodb', { alias, dialect: 'mongo' })
  return (url, options) => new MongoClient(url, options)
}

/** The connection string with any password hidden, for messages. */
function redactUrl(url: string): string {
  return url.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/?#]*@/, '$1***@')
}

/**
 * The `mongo` db adapter on the official `mongodb` driver: connects and pings on `connect`, pings
 * with latency on `health`, runs transactions in a client session and maps driver errors.
 *
 * @example
 * const mongo = new MegaMongoAdapter('db', { url: 'mongodb://127.0.0.1:27017/shop' })
 * await mongo.connect()
 * await mongo.transaction(async () => {
 *   await mongo.collection('orders').insertOne({ total: 12 }, { session: mongo.currentSession() })
 * })
 */
export class MegaMongoAdapter extends BaseAdapter implements MongoDbAdapter {
  readonly kind = 'db' as const
  readonly dialect = 'mongo' as const
  /** The validated options (defaults applied, `database` resolved). */
  readonly options: ResolvedMongoOptions
  readonly #createClient: MongoAdapterSeams['createClient']
  readonly #now: () => number
  readonly #sessions = new AsyncLocalStorage<ClientSession>()
  #client: MongoClient | undefined
  #db: Db | undefined

  constructor(alias: string, config: MongoAdapterConfig, seams: MongoAdapterSeams = {}) {
    super('mongo', alias)
    this.options = parseOptions(mongoOptionsSchema, config, `adapters.${alias}`)
    this.#createClient = seams.createClient
    this.#now = seams.now ?? (() => performance.now())
  }

  /** The driver client; throws `MEGA_DB_NOT_CONNECTED` before `connect` and after `disconnect`. */
  get client(): MongoClient {
    if (this.#client === undefined) throw this.#notConnected()
    return this.#client
  }

  db(): Db {
    if (this.#db === undefined) throw this.#notConnected()
    return this.#db
  }

  collection<T extends Document = Document>(name: string): Collection<T> {
    return this.db().collection<T>(name)
  }

  currentSession(): ClientSession | undefined {
    return this.#sessions.getStore()
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.currentSession() !== undefined) return fn()
    const session = this.client.startSession()
    try {
      return await session.withTransaction(() => this.#sessions.run(session, fn))
    } catch (err) {
      // The caller's own errors (and Mega errors) pass through unchanged; only driver errors map.
      const { MongoError } = await loadDriver('mongodb', { alias: this.alias, dialect: 'mongo' })
      throw MegaError.is(err) || !(err instanceof MongoError) ? err : this.mapError(err)
    } finally {
      await session.endSession().catch(() => undefined)
    }
  }

  /** `true` when the server is a replica set member or mongos, which transactions need. */
  async supportsTransactions(): Promise<boolean> {
    const hello = await this.db().admin().command({ hello: 1 })
    return typeof hello['setName'] === 'string' || hello['msg'] === 'isdbgrid'
  }

  mapError(err: unknown): MegaError {
    return mapMongoError(err)
  }

  protected async _connect(): Promise<void> {
    const { url, database } = this.options
    const createClient = this.#createClient ?? (await defaultCreateClient(this.alias))
    const client = createClient(url, this.#clientOptions())
    try {
      await client.connect()
      await client.db(database).command({ ping: 1 })
    } catch (err) {
      await client.close().catch(() => undefined)
      throw this.#connectError(err)
    }
    this.#client = client
    this.#db = client.db(database)
  }

  protected async _disconnect(): Promise<void> {
    const client = this.#client
    this.#client = undefined
    this.#db = undefined
    await client?.close()
  }

  protected override async _health(): Promise<AdapterHealth> {
    const started = this.#now()
    try {
      await this.db().command({ ping: 1 })
      return { ok: true, latencyMs: Math.round(this.#now() - started) }
    } catch (err) {
      return { ok: false, error: this.mapError(err).message }
    }
  }

  #clientOptions(): MongoClientOptions {
    const { maxPoolSize, serverSelectionTimeoutMs, connectTimeoutMs } = this.options
    return {
      maxPoolSize,
      serverSelectionTimeoutMS: serverSelectionTimeoutMs,
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMS: connectTimeoutMs }),
    }
  }

  #connectError(err: unknown): MegaError {
    const mapped = this.mapError(err)
    if (mapped.code !== 'MEGA_DB_UNAVAILABLE') return mapped
    const reason = err instanceof Error ? err.message : String(err)
    return dbError(
      'MEGA_DB_UNAVAILABLE',
      `Could not connect adapter ${this.alias} to MongoDB at ${redactUrl(this.options.url)} within ` +
        `${this.options.serverSelectionTimeoutMs} ms (${reason}): check that the server runs and the URL is right.`,
      { cause: err },
    )
  }

  #notConnected(): MegaError {
    return dbError(
      'MEGA_DB_NOT_CONNECTED',
      `Adapter ${this.alias} (mongo) is ${this.state}: call connect() (boot does it) before using it.`,
    )
  }
}
