// Reads SQLite's pragmas (and, for constraint names and enum CHECKs, the CREATE TABLE text Mega's
// dialect wrote) for introspectSchema.
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
import { checkValues, quoteDouble } from '../sql-ddl.js'

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

interface ColumnRow {
  name: string
  type: string
  notnull: number
  dflt_value: string | null
  pk: number
}

function toRaw(r: ColumnRow): RawColumn {
  const m = /^(\w+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(r.type.trim().toLowerCase())
  const base = m?.[1] ?? r.type.toLowerCase()
  const a = m?.[2] === undefined ? undefined : Number(m[2])
  const b = m?.[3] === undefined ? undefined : Number(m[3])
  return {
    name: r.name,
    base,
    ...(base === 'decimal' ? { precision: a, scale: b ?? 0 } : { length: a }),
    nullable: r.notnull === 0 && r.pk === 0,
    default: r.dflt_value,
    increment: r.pk > 0 && base === 'integer',
  }
}

async function indexes(db: Kysely<unknown>, table: string): Promise<IndexSchema[]> {
  const list = await rows(
    db,
    sql<{ name: string; unique: number; origin: string }>`
    select name, "unique", origin from pragma_index_list(${table})`,
  )
  const out: IndexSchema[] = []
  for (const index of list.filter((i) => i.origin === 'c')) {
    const cols = await rows(
      db,
      sql<{ name: string }>`
      select name from pragma_index_info(${index.name}) order by seqno`,
    )
    out.push({ name: index.name, columns: cols.map((c) => c.name), unique: index.unique === 1 })
  }
  return out
}

function fkName(createSql: string, column: string, table: string): string {
  const pattern = new RegExp(
    `CONSTRAINT\\s+"((?:[^"]|"")+)"\\s+FOREIGN KEY\\s*\\(\\s*${escapeRegExp(quoteDouble(column))}\\s*\\)`,
    'i',
  )
  return pattern.exec(createSql)?.[1]?.replaceAll('""', '"') ?? `${table}_${column}_fkey`
}

async function foreignKeys(
  db: Kysely<unknown>,
  table: string,
  createSql: string,
): Promise<Map<string, ForeignKeySchema>> {
  const list = await rows(
    db,
    sql<Omit<ForeignKeyRow, 'name'>>`
    select "from" as col, "table" as ref_table, "to" as ref_col, on_update, on_delete
    from pragma_foreign_key_list(${table})`,
  )
  const named = list.map((r) => ({ ...r, name: fkName(createSql, r.col, table) }))
  return foreignKeyMap(named, SQL_REFERENTIAL_ACTIONS)
}

function checks(createSql: string, columns: readonly RawColumn[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const c of columns) {
    const pattern = new RegExp(
      `CHECK\\s*\\(\\s*${escapeRegExp(quoteDouble(c.name))}\\s+IN\\s*\\(((?:'(?:[^']|'')*'|[\\s,])*)\\)\\s*\\)`,
      'i',
    )
    const m = pattern.exec(createSql)
    if (m !== null) out.set(c.name, checkValues(m[1] as string))
  }
  return out
}

/** The SQLite reader of introspectSchema. */
export const sqliteIntrospector: TableReader = (db) => ({
  tables: () =>
    names(
      db,
      sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`,
    ),
  async table(name): Promise<RawTable> {
    const [master] = await rows(
      db,
      sql<{ sql: string }>`
      select sql from sqlite_master where type = 'table' and name = ${name}`,
    )
    const createSql = master?.sql ?? ''
    const list = await rows(
      db,
      sql<ColumnRow>`
      select name, type, "notnull", dflt_value, pk from pragma_table_info(${name})`,
    )
    const cols = list.map(toRaw)
    return {
      name,
      columns: cols,
      primaryKey: list.find((r) => r.pk > 0)?.name ?? '',
      indexes: await indexes(db, name),
      foreignKeys: await foreignKeys(db, name, createSql),
      checks: checks(createSql, cols),
    }
  },
})
