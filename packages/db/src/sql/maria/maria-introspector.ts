// Reads MariaDB's information_schema (the current database) for introspectSchema.
import { sql, type Kysely } from 'kysely'
import type { ForeignKeySchema, IndexSchema } from '../../migrations/migration-types.js'
import {
  foreignKeyMap,
  names,
  rows,
  SQL_REFERENTIAL_ACTIONS,
  type ForeignKeyRow,
  type RawColumn,
  type RawTable,
  type TableReader,
} from '../sql-introspection.js'
import { checkValues } from '../sql-ddl.js'

const BASES: Readonly<Record<string, string>> = {
  int: 'integer',
  longtext: 'json',
  tinyint: 'boolean',
  datetime: 'timestamp',
}

const num = (v: unknown): number | undefined =>
  v === null || v === undefined ? undefined : Number(v)

interface ColumnRow {
  name: string
  type: string
  length: unknown
  num_precision: unknown
  num_scale: unknown
  nullable: string
  dflt: string | null
  extra: string
}

async function columns(db: Kysely<unknown>, table: string): Promise<RawColumn[]> {
  const list = await rows(
    db,
    sql<ColumnRow>`
    select COLUMN_NAME as name, DATA_TYPE as type, CHARACTER_MAXIMUM_LENGTH as length,
      NUMERIC_PRECISION as num_precision, NUMERIC_SCALE as num_scale, IS_NULLABLE as nullable,
      COLUMN_DEFAULT as dflt, EXTRA as extra
    from information_schema.COLUMNS
    where TABLE_SCHEMA = database() and TABLE_NAME = ${table} order by ORDINAL_POSITION`,
  )
  return list.map((r) => ({
    name: r.name,
    base: BASES[r.type] ?? r.type,
    length: num(r.length),
    precision: num(r.num_precision),
    scale: num(r.num_scale),
    nullable: r.nullable === 'YES',
    default: r.dflt,
    increment: r.extra.includes('auto_increment'),
  }))
}

interface KeyRow {
  name: string
  non_unique: unknown
  col: string
}

async function keys(db: Kysely<unknown>, table: string): Promise<KeyRow[]> {
  return rows(
    db,
    sql<KeyRow>`
    select INDEX_NAME as name, NON_UNIQUE as non_unique, COLUMN_NAME as col
    from information_schema.STATISTICS
    where TABLE_SCHEMA = database() and TABLE_NAME = ${table} order by INDEX_NAME, SEQ_IN_INDEX`,
  )
}

/** Indexes except PRIMARY and those MariaDB created for a foreign key (named like it). */
function indexes(
  list: readonly KeyRow[],
  foreignKeys: ReadonlyMap<string, ForeignKeySchema>,
): IndexSchema[] {
  const fkNames = new Set([...foreignKeys.values()].map((fk) => fk.name))
  const byName = new Map<string, { columns: string[]; unique: boolean }>()
  for (const r of list) {
    if (r.name === 'PRIMARY' || fkNames.has(r.name)) continue
    const entry = byName.get(r.name) ?? { columns: [], unique: Number(r.non_unique) === 0 }
    entry.columns.push(r.col)
    byName.set(r.name, entry)
  }
  return [...byName].map(([name, e]) => ({ name, columns: e.columns, unique: e.unique }))
}

async function foreignKeys(
  db: Kysely<unknown>,
  table: string,
): Promise<Map<string, ForeignKeySchema>> {
  const list = await rows(
    db,
    sql<ForeignKeyRow>`
    select k.CONSTRAINT_NAME as name, k.COLUMN_NAME as col, k.REFERENCED_TABLE_NAME as ref_table,
      k.REFERENCED_COLUMN_NAME as ref_col, r.DELETE_RULE as on_delete, r.UPDATE_RULE as on_update
    from information_schema.KEY_COLUMN_USAGE k
    join information_schema.REFERENTIAL_CONSTRAINTS r
      on r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA and r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      and r.TABLE_NAME = k.TABLE_NAME
    where k.TABLE_SCHEMA = database() and k.TABLE_NAME = ${table}
      and k.REFERENCED_TABLE_NAME is not null`,
  )
  return foreignKeyMap(list, SQL_REFERENTIAL_ACTIONS)
}

async function checks(db: Kysely<unknown>, table: string): Promise<Map<string, string[]>> {
  const list = await rows(
    db,
    sql<{ clause: string }>`
    select CHECK_CLAUSE as clause from information_schema.CHECK_CONSTRAINTS
    where CONSTRAINT_SCHEMA = database() and TABLE_NAME = ${table}`,
  )
  const out = new Map<string, string[]>()
  for (const { clause } of list) {
    const column = /^\s*`((?:[^`]|``)+)`\s+in\s*\(/i.exec(clause)?.[1]
    if (column !== undefined) out.set(column.replaceAll('``', '`'), checkValues(clause, true))
  }
  return out
}

/** The MariaDB reader of introspectSchema. */
export const mariaIntrospector: TableReader = (db) => ({
  tables: () =>
    names(
      db,
      sql<{ name: string }>`
      select TABLE_NAME as name from information_schema.TABLES
      where TABLE_SCHEMA = database() and TABLE_TYPE = 'BASE TABLE'`,
    ),
  async table(name): Promise<RawTable> {
    const cols = await columns(db, name)
    const list = await keys(db, name)
    const fks = await foreignKeys(db, name)
    const primaryKey = list.find((r) => r.name === 'PRIMARY')?.col ?? ''
    return {
      name,
      columns: cols,
      primaryKey,
      indexes: indexes(list, fks),
      foreignKeys: fks,
      checks: await checks(db, name),
    }
  },
})
