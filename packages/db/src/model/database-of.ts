// The Kysely `DB` type of an app, derived from its models: no hand-written interface to keep in step.
import type { Generated } from 'kysely'
import type { AnyModel } from './define-model.js'

/** The keys of `T` that must be given (not optional). */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T]

/**
 * One model's table as Kysely sees it: every column of a row as read, with the ones an insert may
 * leave out (generated ids, defaults, nullable columns, timestamps) marked `Generated`.
 */
export type TableOf<M extends AnyModel> = {
  [K in keyof M['$select']]: K extends RequiredKeys<M['$insert']>
    ? M['$select'][K]
    : Generated<M['$select'][K]>
}

/** The models in a list (`[typeof User, typeof Post]`) or an object of them (`typeof models`). */
type ModelsIn<T> = T extends readonly AnyModel[] ? T[number] : Extract<T[keyof T], AnyModel>

/**
 * The Kysely database type of a set of models, by table name, for queries beyond CRUD:
 * `db.kysely<DatabaseOf<typeof models>>()`. Give the models as a tuple of their types or as an
 * object (a module namespace works: `import * as models from './models/index.js'`); values that are
 * not models are ignored.
 *
 * @example
 * import type { DatabaseOf, SqlDbAdapter } from '@mega/db'
 * import { Note, User } from './models/index.js'
 * type DB = DatabaseOf<[typeof User, typeof Note]>
 * const rows = await ctx.db<SqlDbAdapter>().kysely<DB>()
 *   .selectFrom('notes').innerJoin('users', 'users.id', 'notes.author_id')
 *   .select(['notes.title', 'users.email']).execute()
 */
export type DatabaseOf<T> = {
  [M in ModelsIn<T> as M['table']]: TableOf<M>
}
