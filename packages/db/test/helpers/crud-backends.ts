// The databases the shared CRUD suite runs on, each with its own test-only setup: SQL tables via
// createModelTable, Mongo unique indexes in a throwaway database.
import { requireService, uniqueName } from '@mega/test-utils'
import type { AnyModel } from '../../src/model/define-model.js'
import { MegaMongoAdapter, type MongoDbAdapter } from '../../src/mongo/mongo-adapter.js'
import type { SqlDbAdapter } from '../../src/sql/sql-types.js'
import { createModelTable, dropTables } from './model-table.js'

/** A database the CRUD suite can open. */
export type CrudDb = SqlDbAdapter | MongoDbAdapter

/** One database of the CRUD suite: how to open it and create or drop the models' storage. */
export interface CrudBackend {
  readonly name: string
  readonly available: boolean
  readonly open: () => CrudDb
  readonly createTables: (db: CrudDb, models: readonly AnyModel[]) => Promise<void>
  /** Drops the storage of `models` (listed children first). */
  readonly dropTables: (db: CrudDb, models: readonly AnyModel[]) => Promise<void>
}

/** A SQL database of the suite. */
export function sqlBackend(
  name: string,
  available: boolean,
  open: () => SqlDbAdapter,
): CrudBackend {
  return {
    name,
    available,
    open,
    async createTables(db, models) {
      const sql = db as SqlDbAdapter
      for (const model of models) await createModelTable(sql.kysely(), sql.dialect, model)
    },
    async dropTables(db, models) {
      await dropTables(
        (db as SqlDbAdapter).kysely(),
        models.map((m) => m.table),
      )
    },
  }
}

function openMongo(url: string): MegaMongoAdapter {
  const database = uniqueName('mega_crud')
  return new MegaMongoAdapter('db', { url, database, serverSelectionTimeoutMs: 3000 })
}

/** Mongo runs only when the server answers and supports transactions (a replica set). */
async function mongoUsable(url: string | undefined, available: boolean): Promise<boolean> {
  if (!available || url === undefined) return false
  const probe = openMongo(url)
  try {
    await probe.connect()
    if (await probe.supportsTransactions()) return true
    process.stderr.write(
      `!!! SKIPPING CRUD on mongo: ${url} is not a replica set (transactions) !!!\n`,
    )
    return false
  } finally {
    await probe.disconnect()
  }
}

/** The Mongo database of the suite; unique columns get unique indexes, as migrations would make. */
export async function mongoBackend(): Promise<CrudBackend> {
  const status = await requireService('mongo')
  const url = status.url ?? ''
  return {
    name: 'mongo',
    available: await mongoUsable(status.url, status.available),
    open: () => openMongo(url),
    async createTables(db, models) {
      const mongo = db as MongoDbAdapter
      for (const model of models)
        for (const [name, spec] of Object.entries(model.columns))
          if (spec.unique && name !== model.primaryKey)
            await mongo.collection(model.table).createIndex({ [name]: 1 }, { unique: true })
    },
    async dropTables(db) {
      await (db as MongoDbAdapter).db().dropDatabase()
    },
  }
}
