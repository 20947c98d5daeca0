import type { Collection, Document } from 'mongodb'
import { z } from 'zod'
import { dbError } from '../errors.js'
import type { ColumnSpec } from '../model/column.js'
import { AUTOMATIC_COLUMNS, type AnyModel } from '../model/define-model.js'
import type { MongoDatabase } from '../mongo/mongo-adapter.js'
import type {
  Crud,
  CursorPage,
  CursorQuery,
  IntegerColumn,
  Page,
  PageQuery,
  ReadOptions,
} from './crud.js'
import {
  byId,
  checkAffected,
  checkId,
  checkIncrement,
  checkRestorable,
  cursorPageOf,
  deletedById,
  foundOr404,
  hidesDeleted,
  mapDbErrors,
  pageOf,
  parseCursorQuery,
  parsePageQuery,
} from './crud-checks.js'
import {
  crudOptionsShape,
  parseCrudOptions,
  withPagingCheck,
  type CrudOptions,
  type OptionsShape,
} from './crud-options.js'
import type { ModelFilter } from './filter-types.js'
import { parseFilter, type Condition } from './query-validation.js'
import { rowFromDoc, rowToDoc } from './mongo-values.js'
import { insertValues, insertValuesMany, updateValues } from './crud-input.js'
import { mongoAfterCursor, mongoSort, mongoWhere } from './mongo-where.js'

/** A stored document: `_id` is the model's primary key (a number or a string, not an ObjectId). */
interface StoredDoc extends Document {
  _id: string | number
}

/** The collection increment ids are allocated from: one `{ _id: table, seq }` document per model. */
export const DEFAULT_MONGO_COUNTERS_COLLECTION = 'counters'

/** Options of {@link createMongoCrud}: those of SQL CRUD plus where increment ids come from. */
export interface MongoCrudOptions extends CrudOptions {
  /** Collection of the id counters. @default 'counters' */
  readonly countersCollection?: string
}

const optionsSchema = withPagingCheck(
  z.strictObject({
    ...crudOptionsShape,
    countersCollection: z
      .string()
      .min(1, 'must be a collection name')
      .default(DEFAULT_MONGO_COUNTERS_COLLECTION),
  } satisfies OptionsShape<MongoCrudOptions>),
)

/**
 * CRUD for one model on MongoDB, with the surface and rules of SQL {@link ModelCrud}: the primary
 * key is `_id`, increment ids come from a counters collection, input is validated by the model,
 * filters and sorts by `parseFilter`/`parseSort` before `toMongoFilter`, every operation
 * passes the current session so it joins {@link MongoDatabase.transaction}.
 */
export class MongoModelCrud<M extends AnyModel> implements Crud<M> {
  readonly model: M
  readonly #db: MongoDatabase
  readonly #clock: () => Date
  readonly #paging: { defaultPerPage: number; maxPerPage: number }
  readonly #counters: string

  constructor(model: M, db: MongoDatabase, options: MongoCrudOptions = {}) {
    const o = parseCrudOptions(optionsSchema, options, model)
    this.model = model
    this.#db = db
    this.#clock = o.clock ?? (() => new Date())
    this.#paging = o
    this.#counters = o.countersCollection
  }

  get #coll(): Collection<StoredDoc> {
    return this.#db.collection<StoredDoc>(this.model.table)
  }

  #opts(): { session: ReturnType<MongoDatabase['currentSession']> } {
    return { session: this.#db.currentSession() }
  }

  #run<T>(fn: () => Promise<T>): Promise<T> {
    return mapDbErrors(this.#db, fn)
  }

  #spec(field: string): ColumnSpec {
    return this.model.columns[field] as ColumnSpec
  }

  #row(doc: Document): M['$select'] {
    return rowFromDoc(this.model, doc)
  }

  #where(conditions: readonly Condition[], withDeleted?: boolean, extra?: Document): Document {
    return mongoWhere(this.model, conditions, hidesDeleted(this.model, withDeleted), extra)
  }

  #byId(id: unknown, withDeleted?: boolean): Document {
    return this.#where([byId(this.model, id)], withDeleted)
  }

  /** One page of rows, with the total matching the filter. */
  async list(query: PageQuery<M> = {}): Promise<Page<M['$select']>> {
    const { conditions, sort, page, perPage } = parsePageQuery(this.model, query, this.#paging)
    const filter = this.#where(conditions, query.withDeleted)
    const order = mongoSort(this.model, sort)
    return this.#run(async () => {
      const docs = await this.#coll
        .find(filter, this.#opts())
        .sort(order)
        .skip((page - 1) * perPage)
        .limit(perPage)
        .toArray()
      const total = await this.#coll.countDocuments(filter, this.#opts())
      return pageOf(
        docs.map((d) => this.#row(d)),
        total,
        page,
        perPage,
      )
    })
  }

  /** Rows after `cursor` in sort order (keyset paging: stable under inserts, no offset scans). */
  async listByCursor(query: CursorQuery<M> = {}): Promise<CursorPage<M['$select']>> {
    const { conditions, sort, limit, after } = parseCursorQuery(this.model, query, this.#paging)
    const order = mongoSort(this.model, sort)
    const extra = after === undefined ? undefined : mongoAfterCursor(this.model, sort, after)
    const filter = this.#where(conditions, query.withDeleted, extra)
    return this.#run(async () => {
      const docs = await this.#coll
        .find(filter, this.#opts())
        .sort(order)
        .limit(limit + 1)
        .toArray()
      return cursorPageOf(
        docs.map((d) => this.#row(d)),
        limit,
        sort,
      )
    })
  }

  /** The row with this id, or `undefined`. */
  async find(id: M['$idType'], options: ReadOptions = {}): Promise<M['$select'] | undefined> {
    checkId(this.model, id)
    const doc = await this.#run(() =>
      this.#coll.findOne(this.#byId(id, options.withDeleted), this.#opts()),
    )
    return doc === null ? undefined : this.#row(doc)
  }

  /** The row with this id; `MEGA_CRUD_NOT_FOUND` (404) when there is none. */
  async get(id: M['$idType'], options: ReadOptions = {}): Promise<M['$select']> {
    return foundOr404(this.model, id, await this.find(id, options))
  }

  /** Allocates `count` increment ids in one counter update; resolves the first. */
  async #allocateIds(count: number): Promise<number> {
    const counter = await this.#db
      .collection<{ _id: string; seq: number }>(this.#counters)
      .findOneAndUpdate(
        { _id: this.model.table },
        { $inc: { seq: count } },
        { upsert: true, returnDocument: 'after', ...this.#opts() },
      )
    return (counter?.seq ?? count) - count + 1
  }

  async #assignIds(rows: Record<string, unknown>[]): Promise<void> {
    const pk = this.model.primaryKey
    if (this.#spec(pk).idStrategy !== 'increment') return
    const first = await this.#allocateIds(rows.length)
    rows.forEach((row, i) => (row[pk] = first + i))
  }

  /** References are checked on write (Mongo has no foreign keys): a missing target is a 409. */
  async #checkReferences(rows: readonly Record<string, unknown>[]): Promise<void> {
    for (const [name, spec] of Object.entries(this.model.columns)) {
      if (spec.type !== 'reference' || spec.references === undefined) continue
      const values = rows.map((r) => r[name] as StoredDoc['_id'] | null | undefined)
      const ids = [...new Set(values.filter((v) => v !== null && v !== undefined))]
      if (ids.length === 0) continue
      const target = spec.references()
      const found = await this.#db
        .collection<StoredDoc>(target.table)
        .countDocuments({ _id: { $in: ids } }, this.#opts())
      if (found < ids.length)
        throw dbError(
          'MEGA_DB_FOREIGN_KEY',
          `${this.model.table}.${name} refers to a ${target.table} row that does not exist: create it first or pass an existing ${target.primaryKey}.`,
          { details: { table: this.model.table, column: name, references: target.table } },
        )
    }
  }

  async #insert(rows: Record<string, unknown>[]): Promise<M['$select'][]> {
    await this.#checkReferences(rows)
    await this.#assignIds(rows)
    const docs = rows.map((r) => rowToDoc(this.model, r) as StoredDoc)
    if (docs.length === 1) await this.#coll.insertOne(docs[0] as StoredDoc, this.#opts())
    else await this.#insertMany(docs)
    return docs.map((d) => this.#row(d))
  }

  /** One ordered `insertMany`; outside a transaction, the rows it did insert before failing are removed. */
  async #insertMany(docs: StoredDoc[]): Promise<void> {
    try {
      await this.#coll.insertMany(docs, { ordered: true, ...this.#opts() })
    } catch (err) {
      const inserted = (err as { insertedCount?: unknown }).insertedCount
      if (this.#db.currentSession() === undefined && typeof inserted === 'number' && inserted > 0) {
        const ids = docs.slice(0, inserted).map((d) => d._id)
        await this.#coll.deleteMany({ _id: { $in: ids } }).catch(() => undefined)
      }
      throw err
    }
  }

  /** Validates and inserts one row; resolves the stored row. */
  async create(input: M['$insert']): Promise<M['$select']> {
    const row = insertValues(this.model, input, this.#clock())
    const [created] = await this.#run(() => this.#insert([row]))
    return created as M['$select']
  }

  /** Validates every input first (issues as `[i].field`), then inserts all in one `insertMany`. */
  async createMany(inputs: readonly M['$insert'][]): Promise<M['$select'][]> {
    if (inputs.length === 0) return []
    const rows = insertValuesMany(this.model, inputs, this.#clock())
    return this.#run(() => this.#insert(rows))
  }

  /** Validates and applies a partial update; resolves the updated row (404 when missing). */
  async update(id: M['$idType'], input: M['$update']): Promise<M['$select']> {
    checkId(this.model, id)
    const values = updateValues(this.model, input, this.#clock())
    const set = rowToDoc(this.model, values)
    if (Object.keys(set).length === 0) return this.get(id)
    await this.#run(async () => {
      await this.#checkReferences([values])
      const result = await this.#coll.updateOne(this.#byId(id), { $set: set }, this.#opts())
      checkAffected(this.model, id, result.matchedCount)
    })
    return this.get(id)
  }

  /**
   * Adds `by` to an integer field in one atomic update (see {@link Crud.increment}). An update
   * pipeline rather than `$inc`, which refuses a field holding `null`.
   */
  async increment(id: M['$idType'], column: IntegerColumn<M>, by = 1): Promise<M['$select']> {
    checkId(this.model, id)
    const step = checkIncrement(this.model, column, by)
    const set: Document = { [column]: { $add: [{ $ifNull: [`$${column}`, 0] }, step] } }
    if (this.model.timestamps) set[AUTOMATIC_COLUMNS.updatedAt] = { $literal: this.#clock() }
    await this.#run(async () => {
      const result = await this.#coll.updateOne(this.#byId(id), [{ $set: set }], this.#opts())
      checkAffected(this.model, id, result.matchedCount)
    })
    return this.get(id)
  }

  /** Deletes a row, or marks it deleted when the model has `softDelete` (404 when missing). */
  async remove(id: M['$idType']): Promise<void> {
    checkId(this.model, id)
    const filter = this.#byId(id)
    const affected = await this.#run(async () => {
      if (!this.model.softDelete)
        return (await this.#coll.deleteOne(filter, this.#opts())).deletedCount
      const set = { [AUTOMATIC_COLUMNS.deletedAt]: this.#clock() }
      return (await this.#coll.updateOne(filter, { $set: set }, this.#opts())).matchedCount
    })
    checkAffected(this.model, id, affected)
  }

  /** Brings back a soft-deleted row (404 when there is no deleted row with this id). */
  async restore(id: M['$idType']): Promise<M['$select']> {
    checkId(this.model, id)
    checkRestorable(this.model)
    const filter = this.#where(deletedById(this.model, id), true)
    const set = { [AUTOMATIC_COLUMNS.deletedAt]: null }
    const result = await this.#run(() => this.#coll.updateOne(filter, { $set: set }, this.#opts()))
    checkAffected(this.model, id, result.matchedCount)
    return this.get(id)
  }

  /** How many rows match the filter. */
  async count(filter?: ModelFilter<M['$select']>, options: ReadOptions = {}): Promise<number> {
    const where = this.#where(parseFilter(this.model, filter), options.withDeleted)
    return this.#run(() => this.#coll.countDocuments(where, this.#opts()))
  }

  /** Whether any row matches the filter. */
  async exists(filter?: ModelFilter<M['$select']>, options: ReadOptions = {}): Promise<boolean> {
    const where = this.#where(parseFilter(this.model, filter), options.withDeleted)
    const doc = await this.#run(() =>
      this.#coll.findOne(where, { projection: { _id: 1 }, ...this.#opts() }),
    )
    return doc !== null
  }
}

/**
 * CRUD for `model` on a Mongo database (the `mongo` adapter). Options are validated at once
 * (`MegaConfigError` listing every problem).
 *
 * @example
 * const users = createMongoCrud(User, ctx.db<MongoDbAdapter>())
 * const page = await users.list({ filter: { age: { gte: 18 } }, sort: ['-created_at'] })
 */
export function createMongoCrud<M extends AnyModel>(
  model: M,
  db: MongoDatabase,
  options?: MongoCrudOptions,
): MongoModelCrud<M> {
  return new MongoModelCrud(model, db, options)
}
