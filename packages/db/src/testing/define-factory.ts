// Model factories for tests, in the manner of factory_bot and Laravel's factories: a function of a
// sequence number gives the attributes, overrides win, `build()` stays in memory, `create()` inserts
// through the model's CRUD, and a field whose value is another factory creates that parent first.
import { createCrud } from '../crud/create-crud.js'
import { dbError } from '../errors.js'
import type { AnyModel } from '../model/define-model.js'
import type { SqlDatabase } from '../sql/sql-types.js'

/** A field of a factory's attributes: its value, or another factory whose created row's id it takes. */
export type FactoryValue<T> = T | Factory<AnyModel>

/** What a factory's definition returns: the model's insert fields, a parent factory in place of an id. */
export type FactoryAttributes<M extends AnyModel> = {
  readonly [K in keyof M['$insert']]?: FactoryValue<M['$insert'][K]>
}

/** A factory of one model's rows; see {@link defineFactory}. */
export interface Factory<M extends AnyModel> {
  /** The model it builds. */
  readonly model: M
  /**
   * The attributes of the next row, overrides applied, without touching a database. A field that is a
   * parent factory is left out (there is no id yet): use {@link Factory.create} for those.
   */
  build(overrides?: Partial<M['$insert']>): M['$insert']
  /** `n` rows of {@link Factory.build}. */
  buildMany(n: number, overrides?: Partial<M['$insert']>): M['$insert'][]
  /** Inserts the next row through `createCrud(model, db)`, parents first; resolves the stored row. */
  create(db: SqlDatabase, overrides?: Partial<M['$insert']>): Promise<M['$select']>
  /** `n` rows of {@link Factory.create}, one after another (sequence order). */
  createMany(db: SqlDatabase, n: number, overrides?: Partial<M['$insert']>): Promise<M['$select'][]>
  /** Starts the sequence at 1 again. */
  resetSequence(): void
}

const FACTORY = Symbol.for('mega.db.factory')

function isFactory(value: unknown): value is Factory<AnyModel> {
  return typeof value === 'object' && value !== null && FACTORY in value
}

function invalid(message: string): never {
  throw dbError('MEGA_DB_TEST_INVALID', message)
}

function checkCount(model: AnyModel, n: number): void {
  if (!Number.isInteger(n) || n < 0)
    invalid(
      `${model.table} factory: createMany/buildMany take a whole number ≥ 0, not ${String(n)}.`,
    )
}

class ModelFactory<M extends AnyModel> implements Factory<M> {
  readonly [FACTORY] = true
  #seq = 0

  constructor(
    readonly model: M,
    readonly definition: (seq: number) => FactoryAttributes<M>,
  ) {}

  #next(overrides: Partial<M['$insert']> = {}): Record<string, unknown> {
    this.#seq += 1
    const attributes = this.definition(this.#seq) as unknown
    if (typeof attributes !== 'object' || attributes === null)
      invalid(`${this.model.table} factory: the definition must return an object of attributes.`)
    const merged: Record<string, unknown> = { ...attributes, ...overrides }
    for (const key of Object.keys(merged))
      if (this.model.columns[key] === undefined)
        invalid(
          `${this.model.table} factory: "${key}" is not a column of the model: remove it or add the column.`,
        )
    return merged
  }

  build(overrides?: Partial<M['$insert']>): M['$insert'] {
    const row = this.#next(overrides)
    for (const [key, value] of Object.entries(row)) if (isFactory(value)) delete row[key]
    return row
  }

  buildMany(n: number, overrides?: Partial<M['$insert']>): M['$insert'][] {
    checkCount(this.model, n)
    return Array.from({ length: n }, () => this.build(overrides))
  }

  async create(db: SqlDatabase, overrides?: Partial<M['$insert']>): Promise<M['$select']> {
    const row = this.#next(overrides)
    for (const [key, value] of Object.entries(row)) {
      if (!isFactory(value)) continue
      const parent = (await value.create(db)) as Record<string, unknown>
      row[key] = parent[value.model.primaryKey]
    }
    return createCrud(this.model, db).create(row)
  }

  async createMany(
    db: SqlDatabase,
    n: number,
    overrides?: Partial<M['$insert']>,
  ): Promise<M['$select'][]> {
    checkCount(this.model, n)
    const rows: M['$select'][] = []
    for (let i = 0; i < n; i += 1) rows.push(await this.create(db, overrides))
    return rows
  }

  resetSequence(): void {
    this.#seq = 0
  }
}

/**
 * Defines a factory of `model` rows: `definition(seq)` gives the attributes of the `seq`-th row (1, 2,
 * …, per factory), overrides replace fields, and a field set to another factory is a relation: on
 * `create()` the parent row is created first and the field takes its primary key. Rows go through
 * `createCrud(model, db)`, so the model's validation applies. A field that is not a column of the
 * model, or a bad count, is `MEGA_DB_TEST_INVALID`.
 *
 * @example
 * const authors = defineFactory(Author, (seq) => ({ name: `Author ${seq}` }))
 * const posts = defineFactory(Post, (seq) => ({ title: `Post ${seq}`, authorId: authors }))
 * const post = await posts.create(db, { title: 'Hello' }) // an author is created first
 * posts.build() // { title: 'Post 2' }: no database
 */
export function defineFactory<M extends AnyModel>(
  model: M,
  definition: (seq: number) => FactoryAttributes<M>,
): Factory<M> {
  if (typeof definition !== 'function')
    invalid(
      `defineFactory(${model.table}, …): the second argument is a function (seq) => attributes.`,
    )
  return new ModelFactory(model, definition)
}
