// An in-memory stand-in for a MongoDB server, for the Mongo CRUD unit tests. It implements only the
// slice of the driver's Collection API that MongoModelCrud calls, and interprets only the query
// operators CRUD produces ($eq, $ne, $in, $nin, $gt/$gte/$lt/$lte, $regex, $and, $or; $set, $inc).
// Anything else throws, so a query the fake cannot judge fails loudly instead of passing.
// Real-server behaviour is checked by test/crud.int.test.ts when MEGA_TEST_MONGO_URL is set.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { ClientSession, Collection, Db, Document } from 'mongodb'
import type { MegaError } from '@mega/observe'
import type { MongoDatabase } from '../../src/mongo/mongo-adapter.js'
import { mapMongoError } from '../../src/mongo/mongo-error-mapper.js'

type Doc = Record<string, unknown>

/** One operation the fake received, with the session it was given. */
export interface FakeCall {
  readonly collection: string
  readonly op: string
  readonly session: unknown
}

function isOperators(value: unknown): value is Doc {
  if (
    typeof value !== 'object' ||
    value === null ||
    Object.getPrototypeOf(value) !== Object.prototype
  )
    return false
  return Object.keys(value).every((k) => k.startsWith('$'))
}

function equal(a: unknown, b: unknown): boolean {
  if (b === null) return a === null || a === undefined
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  return a === b
}

/** Range comparison is type-bracketed, as on a server: different types never match. */
function compare(a: unknown, b: unknown): number | undefined {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime()
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  return undefined
}

function matchOp(value: unknown, op: string, arg: unknown, all: Doc): boolean {
  const order = compare(value, arg)
  switch (op) {
    case '$eq':
      return equal(value, arg)
    case '$ne':
      return !equal(value, arg)
    case '$in':
      return (arg as unknown[]).some((a) => equal(value, a))
    case '$nin':
      return !(arg as unknown[]).some((a) => equal(value, a))
    case '$gt':
      return order !== undefined && order > 0
    case '$gte':
      return order !== undefined && order >= 0
    case '$lt':
      return order !== undefined && order < 0
    case '$lte':
      return order !== undefined && order <= 0
    case '$regex':
      return (
        typeof value === 'string' &&
        new RegExp(arg as string, all['$options'] as string).test(value)
      )
    case '$options':
      return true
    default:
      throw new Error(`the fake does not interpret ${op}`)
  }
}

/** Whether `doc` matches `filter`. */
export function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([key, cond]) => {
    if (key === '$and') return (cond as Doc[]).every((f) => matches(doc, f))
    if (key === '$or') return (cond as Doc[]).some((f) => matches(doc, f))
    if (key.startsWith('$')) throw new Error(`the fake does not interpret ${key}`)
    if (!isOperators(cond)) return equal(doc[key], cond)
    return Object.entries(cond).every(([op, arg]) => matchOp(doc[key], op, arg, cond))
  })
}

function sortValue(a: unknown, b: unknown): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1
  if (b === null || b === undefined) return 1
  return compare(a, b) ?? 0
}

class FakeCollection {
  docs: Doc[] = []
  readonly #name: string
  readonly #owner: FakeMongo

  constructor(name: string, owner: FakeMongo) {
    this.#name = name
    this.#owner = owner
  }

  #record(op: string, options?: { session?: unknown }): void {
    this.#owner.record({ collection: this.#name, op, session: options?.session })
  }

  #checkUnique(doc: Doc, except?: Doc): void {
    if (doc['_id'] === undefined) throw new Error('the fake needs an _id on every document')
    for (const field of ['_id', ...this.#owner.uniqueFields(this.#name)]) {
      const clash = this.docs.some((d) => d !== except && equal(d[field], doc[field]))
      if (clash && doc[field] !== null && doc[field] !== undefined)
        throw Object.assign(new Error(`E11000 duplicate key error collection: ${this.#name}`), {
          name: 'MongoServerError',
          code: 11000,
          keyPattern: { [field]: 1 },
        })
    }
  }

  async insertOne(doc: Doc, options?: { session?: unknown }) {
    this.#record('insertOne', options)
    this.#checkUnique(doc)
    this.docs.push(structuredClone(doc))
    return Promise.resolve({ acknowledged: true, insertedId: doc['_id'] })
  }

  async insertMany(docs: Doc[], options?: { session?: unknown }) {
    this.#record('insertMany', options)
    for (const [i, doc] of docs.entries()) {
      try {
        this.#checkUnique(doc)
      } catch (err) {
        throw Object.assign(err as Error, {
          insertedCount: i,
          writeErrors: [{ index: i, code: 11000 }],
        })
      }
      this.docs.push(structuredClone(doc))
    }
    return Promise.resolve({ acknowledged: true, insertedCount: docs.length })
  }

  async findOne(filter: Doc, options?: { session?: unknown; projection?: Doc }) {
    this.#record('findOne', options)
    const doc = this.docs.find((d) => matches(d, filter))
    if (doc === undefined) return Promise.resolve(null)
    const keys =
      options?.projection === undefined ? Object.keys(doc) : Object.keys(options.projection)
    return Promise.resolve(structuredClone(Object.fromEntries(keys.map((k) => [k, doc[k]]))))
  }

  find(filter: Doc, options?: { session?: unknown }) {
    this.#record('find', options)
    const state = { order: new Map<string, 1 | -1>(), skip: 0, limit: 0 }
    const cursor = {
      sort: (order: Map<string, 1 | -1>) => ((state.order = order), cursor),
      skip: (n: number) => ((state.skip = n), cursor),
      limit: (n: number) => ((state.limit = n), cursor),
      toArray: async () => {
        const found = this.docs
          .filter((d) => matches(d, filter))
          .sort((a, b) => {
            for (const [key, dir] of state.order) {
              const c = sortValue(a[key], b[key]) * dir
              if (c !== 0) return c
            }
            return 0
          })
        const end = state.limit === 0 ? undefined : state.skip + state.limit
        return Promise.resolve(structuredClone(found.slice(state.skip, end)))
      },
    }
    return cursor
  }

  async countDocuments(filter: Doc, options?: { session?: unknown }) {
    this.#record('countDocuments', options)
    return Promise.resolve(this.docs.filter((d) => matches(d, filter)).length)
  }

  async updateOne(filter: Doc, update: Doc | Doc[], options?: { session?: unknown }) {
    this.#record('updateOne', options)
    const doc = this.docs.find((d) => matches(d, filter))
    if (doc === undefined) return Promise.resolve({ matchedCount: 0, modifiedCount: 0 })
    const $set = Array.isArray(update) ? pipelineSet(update, doc) : setOnly(update)
    const next = { ...doc, ...structuredClone($set) }
    this.#checkUnique(next, doc)
    Object.assign(doc, next)
    return Promise.resolve({ matchedCount: 1, modifiedCount: 1 })
  }

  async deleteOne(filter: Doc, options?: { session?: unknown }) {
    this.#record('deleteOne', options)
    const index = this.docs.findIndex((d) => matches(d, filter))
    if (index >= 0) this.docs.splice(index, 1)
    return Promise.resolve({ deletedCount: index >= 0 ? 1 : 0 })
  }

  async deleteMany(filter: Doc, options?: { session?: unknown }) {
    this.#record('deleteMany', options)
    const before = this.docs.length
    this.docs = this.docs.filter((d) => !matches(d, filter))
    return Promise.resolve({ deletedCount: before - this.docs.length })
  }

  async findOneAndUpdate(
    filter: Doc,
    update: Doc,
    options: { session?: unknown; upsert?: boolean; returnDocument?: string },
  ) {
    this.#record('findOneAndUpdate', options)
    const { $inc, ...rest } = update
    if (Object.keys(rest).length > 0 || options.returnDocument !== 'after')
      throw new Error('the fake findOneAndUpdate takes $inc with returnDocument "after" only')
    let doc = this.docs.find((d) => matches(d, filter))
    if (doc === undefined) {
      if (options.upsert !== true) return Promise.resolve(null)
      doc = Object.fromEntries(Object.entries(filter).filter(([, v]) => !isOperators(v)))
      this.docs.push(doc)
    }
    for (const [key, by] of Object.entries($inc as Doc))
      doc[key] = ((doc[key] as number) ?? 0) + (by as number)
    return Promise.resolve(structuredClone(doc))
  }
}

/**
 * A {@link MongoDatabase} over in-memory collections. `transaction` runs `fn` with a fake session
 * and puts every collection back as it was when `fn` throws; `calls` lists each operation with the
 * session it was given; `failWith` makes the next operation throw that error.
 */
export class FakeMongo implements MongoDatabase {
  readonly dialect = 'mongo' as const
  readonly calls: FakeCall[] = []
  failWith: unknown = undefined
  readonly #collections = new Map<string, FakeCollection>()
  readonly #unique: Readonly<Record<string, readonly string[]>>
  readonly #sessions = new AsyncLocalStorage<ClientSession>()

  /** `unique`: collection → fields with a unique index (besides `_id`). */
  constructor(unique: Readonly<Record<string, readonly string[]>> = {}) {
    this.#unique = unique
  }

  uniqueFields(collection: string): readonly string[] {
    return this.#unique[collection] ?? []
  }

  record(call: FakeCall): void {
    const failure = this.failWith
    this.failWith = undefined
    this.calls.push(call)
    if (failure !== undefined) throw failure as Error
  }

  /** The stored documents of a collection. */
  docs(name: string): Doc[] {
    return this.#collections.get(name)?.docs ?? []
  }

  db(): Db {
    throw new Error('the fake has no Db')
  }

  collection<T extends Document = Document>(name: string): Collection<T> {
    let found = this.#collections.get(name)
    if (found === undefined) this.#collections.set(name, (found = new FakeCollection(name, this)))
    return found as unknown as Collection<T>
  }

  currentSession(): ClientSession | undefined {
    return this.#sessions.getStore()
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.currentSession() !== undefined) return fn()
    const snapshot = new Map([...this.#collections].map(([k, c]) => [k, structuredClone(c.docs)]))
    try {
      return await this.#sessions.run({ fake: 'session' } as unknown as ClientSession, fn)
    } catch (err) {
      for (const [name, c] of this.#collections) c.docs = snapshot.get(name) ?? []
      throw err
    }
  }

  mapError(err: unknown): MegaError {
    return mapMongoError(err)
  }
}

function setOnly(update: Doc): Doc {
  const { $set, ...rest } = update
  if (Object.keys(rest).length > 0) throw new Error('the fake updateOne takes $set only')
  return $set as Doc
}

/**
 * An update pipeline of one `$set` stage whose values are literals, `{ $literal: v }` or
 * `{ $add: [{ $ifNull: ['$field', 0] }, n] }` (what `increment` sends), evaluated against `doc`.
 */
function pipelineSet(stages: Doc[], doc: Doc): Doc {
  const [stage, ...more] = stages
  const { $set, ...rest } = stage ?? {}
  if (more.length > 0 || Object.keys(rest).length > 0)
    throw new Error('the fake update pipeline takes one $set stage only')
  const out: Doc = {}
  for (const [field, expr] of Object.entries($set as Doc)) out[field] = evaluate(expr, doc)
  return out
}

function evaluate(expr: unknown, doc: Doc): unknown {
  if (typeof expr === 'string' && expr.startsWith('$')) return doc[expr.slice(1)]
  if (typeof expr !== 'object' || expr === null || expr instanceof Date) return expr
  const [[op, args]] = Object.entries(expr as Doc) as [[string, unknown]]
  if (op === '$literal') return args
  const values = (args as unknown[]).map((a) => evaluate(a, doc))
  if (op === '$ifNull') return values[0] ?? values[1]
  if (op === '$add') return values.reduce((a, b) => (a as number) + (b as number), 0)
  throw new Error(`the fake update pipeline does not know ${op}`)
}
