// An in-memory stand-in for a MongoDB server, for the Mongo migration unit tests. It implements only
// the driver calls the Mongo migrator and its lock make, with the server's refusals that matter to
// them: an existing collection (48), a missing namespace (26) or index (27), a duplicate key (11000),
// DDL other than createCollection/createIndexes inside a transaction (263), transactions on a server
// without them (20). It stores validators but does not enforce them. Anything else throws, so a call
// the fake cannot judge fails loudly. Each call yields once before acting, so concurrent runs
// interleave as they would against a server, while each call stays atomic.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { ClientSession, Collection, Db, Document } from 'mongodb'
import type { MegaError } from '@mega/observe'
import type { MigratableMongoDatabase } from '../../src/migrations/mongo-runner.js'
import { mapMongoError } from '../../src/mongo/mongo-error-mapper.js'
import { matches } from './mongo-crud-fake.js'

type Doc = Record<string, unknown>
type Opts = { readonly session?: unknown } | undefined

/** A collection as the fake stores it. */
export interface FakeMigrationCollection {
  docs: Doc[]
  validator: Doc | undefined
  indexes: Map<string, { readonly keys: Doc; readonly unique: boolean }>
}

/** One driver call: the operation, its collection and whether it carried a session. */
export interface FakeMigrationCall {
  readonly op: string
  readonly target: string
  readonly session: boolean
}

function serverError(code: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'MongoServerError', code })
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

/** `matches` of the CRUD fake, plus `{ field: { $exists } }`. */
function matchDoc(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([key, cond]) => {
    const exists = (cond as { $exists?: unknown } | null)?.$exists
    if (typeof exists === 'boolean') return key in doc === exists
    return matches(doc, { [key]: cond })
  })
}

function applyUpdate(doc: Doc, update: Doc): Doc {
  const next = { ...doc }
  for (const [op, fields] of Object.entries(update))
    for (const [key, value] of Object.entries(fields as Doc)) {
      if (op === '$set') next[key] = structuredClone(value)
      else if (op === '$unset') delete next[key]
      else if (op === '$rename' && key in next) {
        next[value as string] = next[key]
        delete next[key]
      } else if (op !== '$rename') throw new Error(`the fake does not apply ${op}`)
    }
  return next
}

/** A {@link MigratableMongoDatabase} in memory; `transactions` says whether it is a replica set. */
export class FakeMigrationMongo implements MigratableMongoDatabase {
  readonly dialect = 'mongo' as const
  readonly calls: FakeMigrationCall[] = []
  collections = new Map<string, FakeMigrationCollection>()
  /** Throws this from the next call whose op and collection match. */
  failNext: { op: string; target: string; error: unknown } | undefined
  readonly #transactions: boolean
  readonly #sessions = new AsyncLocalStorage<ClientSession>()
  /** Collections created by the running transaction. */
  #created = new Set<string>()

  constructor(options: { readonly transactions?: boolean } = {}) {
    this.#transactions = options.transactions ?? false
  }

  supportsTransactions(): Promise<boolean> {
    return Promise.resolve(this.#transactions)
  }

  /** The documents of a collection (none when it does not exist). */
  docs(name: string): Doc[] {
    return this.collections.get(name)?.docs ?? []
  }

  async #call(op: string, target: string, options: Opts, ddl = false): Promise<void> {
    await tick()
    const session = options?.session !== undefined
    this.calls.push({ op, target, session })
    if (session && options.session !== this.currentSession())
      throw new Error('the fake got a session that is not running a transaction')
    const fail = this.failNext
    if (fail?.op === op && fail.target === target) {
      this.failNext = undefined
      throw fail.error
    }
    if (session && ddl && !(op === 'createIndex' && this.#created.has(target)))
      throw serverError(263, `Cannot run '${op}' in a multi-document transaction.`)
  }

  #get(name: string): FakeMigrationCollection {
    const found = this.collections.get(name)
    if (found === undefined) throw serverError(26, `ns does not exist: test.${name}`)
    return found
  }

  #implicit(name: string, session: boolean): FakeMigrationCollection {
    if (!this.collections.has(name)) this.#create(name, undefined, session)
    return this.#get(name)
  }

  #create(name: string, validator: Doc | undefined, session: boolean): void {
    if (this.collections.has(name)) throw serverError(48, `Collection test.${name} already exists.`)
    this.collections.set(name, { docs: [], validator, indexes: new Map() })
    if (session) this.#created.add(name)
  }

  #checkUnique(c: FakeMigrationCollection, docs: readonly Doc[]): void {
    const uniques = [
      ['_id'],
      ...[...c.indexes.values()].filter((i) => i.unique).map((i) => Object.keys(i.keys)),
    ]
    for (const fields of uniques) {
      const seen = new Set(docs.map((d) => JSON.stringify(fields.map((f) => d[f] ?? null))))
      if (seen.size < docs.length)
        throw serverError(11000, `E11000 duplicate key error index on ${fields.join(', ')}`)
    }
  }

  #write(c: FakeMigrationCollection, docs: Doc[]): void {
    this.#checkUnique(c, docs)
    c.docs = docs
  }

  db(): Db {
    const db = {
      createCollection: async (name: string, options?: { validator?: Doc; session?: unknown }) => {
        await this.#call('createCollection', name, options)
        this.#create(name, options?.validator, options?.session !== undefined)
      },
      dropCollection: async (name: string, options?: Opts) => {
        await this.#call('dropCollection', name, options, true)
        return this.collections.delete(name)
      },
      renameCollection: async (from: string, to: string, options?: Opts) => {
        await this.#call('renameCollection', from, options, true)
        const source = this.#get(from)
        if (this.collections.has(to)) throw serverError(48, `target namespace exists: test.${to}`)
        this.collections.delete(from)
        this.collections.set(to, source)
      },
      command: async (command: Doc, options?: Opts) => {
        const [name] = Object.keys(command)
        if (name !== 'collMod') throw new Error(`the fake does not run command ${name}`)
        await this.#call('collMod', command['collMod'] as string, options, true)
        this.#get(command['collMod'] as string).validator = command['validator'] as Doc
        return { ok: 1 }
      },
      listCollections: (filter: { name: string }) => ({
        toArray: async () => {
          await tick()
          return this.collections.has(filter.name)
            ? [{ name: filter.name, type: 'collection' }]
            : []
        },
      }),
    }
    return db as unknown as Db
  }

  collection<T extends Document = Document>(name: string): Collection<T> {
    const coll = {
      insertOne: async (doc: Doc, options?: Opts) => {
        await this.#call('insertOne', name, options)
        const c = this.#implicit(name, options?.session !== undefined)
        this.#write(c, [...c.docs, structuredClone(doc)])
        return { acknowledged: true, insertedId: doc['_id'] }
      },
      deleteOne: async (filter: Doc, options?: Opts) => {
        await this.#call('deleteOne', name, options)
        const c = this.collections.get(name)
        const index = c?.docs.findIndex((d) => matchDoc(d, filter)) ?? -1
        if (index >= 0) c?.docs.splice(index, 1)
        return { deletedCount: index >= 0 ? 1 : 0 }
      },
      find: (filter: Doc) => ({
        sort: (spec: Record<string, 1>) => ({
          toArray: async () => {
            await this.#call('find', name, undefined)
            const [key = '_id'] = Object.keys(spec)
            const found = this.docs(name).filter((d) => matchDoc(d, filter))
            return structuredClone(
              found.sort((a, b) => String(a[key]).localeCompare(String(b[key]))),
            )
          },
        }),
      }),
      findOne: async (filter: Doc) => {
        await this.#call('findOne', name, undefined)
        return structuredClone(this.docs(name).find((d) => matchDoc(d, filter)) ?? null)
      },
      findOneAndUpdate: async (
        filter: Doc,
        update: Doc,
        options: { upsert?: boolean; session?: unknown },
      ) => {
        await this.#call('findOneAndUpdate', name, options)
        const c = this.#implicit(name, false)
        const doc = c.docs.find((d) => matchDoc(d, filter))
        if (doc === undefined && options.upsert !== true) return null
        const base = doc ?? { _id: filter['_id'] }
        const next = applyUpdate(base, update)
        this.#write(c, [...c.docs.filter((d) => d !== doc), next])
        return structuredClone(next)
      },
      updateOne: async (filter: Doc, update: Doc, options?: Opts) => {
        await this.#call('updateOne', name, options)
        const c = this.collections.get(name)
        const doc = c?.docs.find((d) => matchDoc(d, filter))
        if (c === undefined || doc === undefined) return { matchedCount: 0 }
        this.#write(
          c,
          c.docs.map((d) => (d === doc ? applyUpdate(d, update) : d)),
        )
        return { matchedCount: 1 }
      },
      updateMany: async (filter: Doc, update: Doc, options?: Opts) => {
        await this.#call('updateMany', name, options)
        const c = this.collections.get(name)
        if (c === undefined) return { matchedCount: 0 }
        this.#write(
          c,
          c.docs.map((d) => (matchDoc(d, filter) ? applyUpdate(d, update) : d)),
        )
        return { matchedCount: c.docs.length }
      },
      createIndex: async (
        keys: Doc,
        options: { name: string; unique: boolean; session?: unknown },
      ) => {
        await this.#call('createIndex', name, options, true)
        const c = this.#implicit(name, options.session !== undefined)
        const index = { keys, unique: options.unique }
        this.#checkUnique({ ...c, indexes: new Map([[options.name, index]]) }, c.docs)
        c.indexes.set(options.name, index)
        return options.name
      },
      dropIndex: async (index: string, options?: Opts) => {
        await this.#call('dropIndex', name, options, true)
        if (!this.#get(name).indexes.delete(index))
          throw serverError(27, `index not found with name [${index}]`)
      },
    }
    return coll as unknown as Collection<T>
  }

  currentSession(): ClientSession | undefined {
    return this.#sessions.getStore()
  }

  /** Like a server: refused without replica set; rolled back (data and DDL) when `fn` throws. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.#transactions)
      throw serverError(
        20,
        'Transaction numbers are only allowed on a replica set member or mongos',
      )
    if (this.currentSession() !== undefined) return fn()
    const before = structuredClone(this.collections)
    this.#created = new Set()
    try {
      return await this.#sessions.run({ fake: 'session' } as unknown as ClientSession, fn)
    } catch (err) {
      this.collections = before
      throw err
    }
  }

  mapError(err: unknown): MegaError {
    return mapMongoError(err)
  }
}
