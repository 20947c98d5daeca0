// What the SQL introspectors share: the raw shapes they read a table into (introspectSchema in
// ../migrations/introspect.ts turns them into a TableSchema) and the helpers they read with.
import type { Kysely, RawBuilder } from 'kysely'
import type { ReferentialAction } from '../model/column.js'
import type { ForeignKeySchema, IndexSchema } from '../migrations/migration-types.js'

/** A column as a dialect reads it, before it becomes a {@link ColumnSchema}. */
export interface RawColumn {
  readonly name: string
  /** integer, bigint, varchar, char, text, decimal, boolean, date, timestamp or json. */
  readonly base: string
  readonly length?: number | undefined
  readonly precision?: number | undefined
  readonly scale?: number | undefined
  readonly nullable: boolean
  /** The default as the catalog prints it, `null` for none. */
  readonly default: string | null
  /** An identity / auto-increment / rowid key. */
  readonly increment: boolean
}

/** A table as a dialect reads it. */
export interface RawTable {
  readonly name: string
  readonly columns: readonly RawColumn[]
  readonly primaryKey: string
  readonly indexes: readonly IndexSchema[]
  readonly foreignKeys: ReadonlyMap<string, ForeignKeySchema>
  /** Enum values by column, read from `CHECK (<col> IN (...))`. */
  readonly checks: ReadonlyMap<string, readonly string[]>
}

/** What each dialect's reader provides. */
export type TableReader = (db: Kysely<unknown>) => {
  tables(): Promise<string[]>
  table(name: string): Promise<RawTable>
}

/** The rows of a raw query. */
export async function rows<T>(db: Kysely<unknown>, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db)).rows
}

/** The `name` column of a raw query: the table names a catalog lists. */
export async function names(
  db: Kysely<unknown>,
  query: RawBuilder<{ name: string }>,
): Promise<string[]> {
  return (await rows(db, query)).map((r) => r.name)
}

/** `CASCADE`, `RESTRICT` and `SET NULL` as MariaDB and SQLite print them; `NO ACTION` reads as absent. */
export const SQL_REFERENTIAL_ACTIONS: Readonly<Record<string, ReferentialAction>> = {
  CASCADE: 'cascade',
  RESTRICT: 'restrict',
  'SET NULL': 'set null',
}

/** One foreign key as a catalog lists it, with its actions as the catalog spells them. */
export interface ForeignKeyRow {
  readonly name: string
  /** The referencing column. */
  readonly col: string
  readonly ref_table: string
  readonly ref_col: string
  readonly on_delete: string
  readonly on_update: string
}

/** The foreign keys by referencing column; actions not in `actions` (no action) are left out. */
export function foreignKeyMap(
  list: readonly ForeignKeyRow[],
  actions: Readonly<Record<string, ReferentialAction>>,
): Map<string, ForeignKeySchema> {
  const out = new Map<string, ForeignKeySchema>()
  for (const r of list) {
    const onDelete = actions[r.on_delete]
    const onUpdate = actions[r.on_update]
    out.set(r.col, {
      name: r.name,
      table: r.ref_table,
      column: r.ref_col,
      ...(onDelete === undefined ? {} : { onDelete }),
      ...(onUpdate === undefined ? {} : { onUpdate }),
    })
  }
  return out
}
