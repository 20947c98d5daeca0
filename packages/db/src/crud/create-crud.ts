import type { AnyModel } from '../model/define-model.js'
import { isMongoDatabase, type MongoDatabase } from '../mongo/mongo-adapter.js'
import type { SqlDatabase } from '../sql/sql-types.js'
import type { Crud } from './crud.js'
import type { CrudOptions } from './crud-options.js'
import { ModelCrud } from './model-crud.js'
import { MongoModelCrud, type MongoCrudOptions } from './mongo-crud.js'

/**
 * CRUD for `model` on `db`: SQL CRUD on the sqlite, postgres and maria adapters, Mongo CRUD on the
 * mongo adapter (chosen by `db.dialect`); the same {@link Crud} contract either way. Options are
 * validated at once (`MEGA_CONFIG_INVALID` listing every problem).
 *
 * @example
 * const users = createCrud(User, ctx.db<SqlDbAdapter>())
 * const page = await users.list({ filter: { age: { gte: 18 } }, sort: ['-created_at'], perPage: 20 })
 */
export function createCrud<M extends AnyModel>(
  model: M,
  db: SqlDatabase,
  options?: CrudOptions,
): ModelCrud<M>
export function createCrud<M extends AnyModel>(
  model: M,
  db: MongoDatabase,
  options?: MongoCrudOptions,
): MongoModelCrud<M>
export function createCrud<M extends AnyModel>(
  model: M,
  db: SqlDatabase | MongoDatabase,
  options?: MongoCrudOptions,
): Crud<M>
export function createCrud<M extends AnyModel>(
  model: M,
  db: SqlDatabase | MongoDatabase,
  options: MongoCrudOptions = {},
): Crud<M> {
  if (isMongoDatabase(db)) return new MongoModelCrud(model, db, options)
  const { countersCollection: _unused, ...sqlOptions } = options
  return new ModelCrud(model, db, sqlOptions)
}
