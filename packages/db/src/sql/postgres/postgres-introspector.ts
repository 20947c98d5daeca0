// Reads PostgreSQL's catalog (the current schema) for introspectSchema.
import { sql, type Kysely } from 'kysely'
import type { ReferentialAction } from '../../model/column.js'
import type { IndexSchema, ForeignKeySchema } from '../../migrations/migration-types.js'
import {
  foreignKeyMap,
  names,
  rows,
  type ForeignKeyRow,
  type RawColumn,
  type RawTable,
  type TableReader,
} from '../sql-introspection.js'
import { checkValues } from '../sql-ddl.js'

const BASES: Readonly<Record<string, string>> = {
  'character varying': 'varchar',
  character: 'char',
  numeric: 'decimal',
  'timestamp with time zone': 'timestamp',
  jsonb: 'json',
}

const ACTIONS: Readonly<Record<string, ReferentialAction>> = {
  c: 'cascade',
  r: 'restrict',
  n: 'set null',
}

interface ColumnRow {
  column_name: string
  data_type: string
  character_maximum_length: number | null
  numeric_precision: number | null
  numeric_scale: number | null
  is_nullable: string
  column_default: string | null
  is_identity: string
}

function toRaw(r: ColumnRow): RawColumn {
  return {
    name: r.column_name,
    base: BASES[r.data_type] ?? r.data_type,
    length: r.character_maximum_length ?? undefined,
    precision: r.numeric_precision ?? undefined,
    scale: r.numeric_scale ?? undefined,
    nullable: r.is_nullable === 'YES',
    default: r.column_default,
    increment: r.is_identity === 'YES' || (r.column_default ?? '').startsWith('nextval('),
  }
}

async function columns(db: Kysely<unknown>, table: string): Promise<RawColumn[]> {
  const list = await rows(
    db,
    sql<ColumnRow>`
    select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale,
      is_nullable, column_default, is_identity
    from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} order by ordinal_position`,
  )
  return list.map(toRaw)
}

async function primaryKey(db: Kysely<unknown>, table: string): Promise<string> {
  const list = await rows(
    db,
    sql<{ name: string }>`
    select a.attname as name from pg_index ix
    join pg_class t on t.oid = ix.indrelid join pg_namespace n on n.oid = t.relnamespace
    join pg_attribute a on a.attrelid = t.oid and a.attnum = ix.indkey[0]
    where ix.indisprimary and n.nspname = current_schema() and t.relname = ${table}`,
  )
  return list[0]?.name ?? ''
}

async function indexes(db: Kysely<unknown>, table: string): Promise<IndexSchema[]> {
  const list = await rows(
    db,
    sql<{ name: string; unique: boolean; columns: string[] }>`
    select i.relname as name, ix.indisunique as unique,
      array_agg(a.attname::text order by k.ord) as columns
    from pg_index ix
    join pg_class t on t.oid = ix.indrelid join pg_namespace n on n.oid = t.relnamespace
    join pg_class i on i.oid = ix.indexrelid
    cross join lateral unnest(ix.indkey) with ordinality as k(attnum, ord)
    join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
    where not ix.indisprimary and n.nspname = current_schema() and t.relname = ${table}
    group by i.relname, ix.indisunique`,
  )
  return list.map((r) => ({ name: r.name, columns: r.columns, unique: r.unique }))
}

async function foreignKeys(
  db: Kysely<unknown>,
  table: string,
): Promise<Map<string, ForeignKeySchema>> {
  const list = await rows(
    db,
    sql<ForeignKeyRow>`
    select c.conname as name, a.attname as col, ft.relname as ref_table, fa.attname as ref_col,
      c.confdeltype as on_delete, c.confupdtype as on_update
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
    join pg_class ft on ft.oid = c.confrelid
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    join pg_attribute fa on fa.attrelid = c.confrelid and fa.attnum = c.confkey[1]
    where c.contype = 'f' and n.nspname = current_schema() and t.relname = ${table}`,
  )
  return foreignKeyMap(list, ACTIONS)
}

async function checks(db: Kysely<unknown>, table: string): Promise<Map<string, string[]>> {
  const list = await rows(
    db,
    sql<{ column: string; def: string }>`
    select a.attname as column, pg_get_constraintdef(c.oid) as def
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'c' and n.nspname = current_schema() and t.relname = ${table}`,
  )
  return new Map(list.map((r) => [r.column, checkValues(r.def)]))
}

/** The PostgreSQL reader of introspectSchema. */
export const postgresIntrospector: TableReader = (db) => ({
  tables: () =>
    names(
      db,
      sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`,
    ),
  async table(name): Promise<RawTable> {
    return {
      name,
      columns: await columns(db, name),
      primaryKey: await primaryKey(db, name),
      indexes: await indexes(db, name),
      foreignKeys: await foreignKeys(db, name),
      checks: await checks(db, name),
    }
  },
})
