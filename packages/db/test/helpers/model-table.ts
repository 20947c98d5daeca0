// Test-only DDL for a model, per dialect. (Migrations, a later issue, own the real DDL.)
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely'
import type { ColumnSpec } from '../../src/model/column.js'
import type { AnyModel } from '../../src/model/define-model.js'
import type { SqlDialect } from '../../src/sql/sql-types.js'

type AnyKysely = Kysely<Record<string, Record<string, unknown>>>

function sqlType(spec: ColumnSpec, dialect: SqlDialect): string {
  switch (spec.type) {
    case 'id':
      if (spec.idStrategy !== 'increment')
        return spec.idStrategy === 'uuid' ? 'varchar(36)' : 'char(26)'
      return dialect === 'postgres' ? 'serial' : 'integer'
    case 'reference': {
      const target = spec.references?.()
      const pk = target?.columns[target.primaryKey]
      return pk !== undefined && pk.idStrategy !== 'increment' ? sqlType(pk, dialect) : 'integer'
    }
    case 'string':
      return `varchar(${spec.length ?? 255})`
    case 'enum':
      return 'varchar(64)'
    case 'text':
      return 'text'
    case 'integer':
      return 'integer'
    case 'bigint':
      return 'bigint'
    case 'decimal':
      return `decimal(${spec.precision ?? 10}, ${spec.scale ?? 0})`
    case 'boolean':
      return dialect === 'sqlite' ? 'integer' : 'boolean'
    case 'date':
      return dialect === 'sqlite' ? 'text' : 'date'
    case 'timestamp':
      return dialect === 'postgres' ? 'timestamptz' : dialect === 'maria' ? 'datetime(3)' : 'text'
    case 'json':
      return dialect === 'postgres' ? 'jsonb' : dialect === 'maria' ? 'longtext' : 'text'
  }
}

function column(
  c: ColumnDefinitionBuilder,
  spec: ColumnSpec,
  dialect: SqlDialect,
): ColumnDefinitionBuilder {
  let out = c
  if (spec.type === 'id') {
    out = out.primaryKey()
    // As the migration dialects: MariaDB AUTO_INCREMENT, SQLite AUTOINCREMENT (ids never reused).
    if (spec.idStrategy === 'increment' && dialect !== 'postgres') out = out.autoIncrement()
  }
  if (!spec.nullable) out = out.notNull()
  if (spec.unique) out = out.unique()
  if (spec.type === 'reference' && spec.references !== undefined) {
    const target = spec.references()
    out = out.references(`${target.table}.${target.primaryKey}`)
    if (spec.onDelete !== undefined) out = out.onDelete(spec.onDelete)
  }
  return out
}

/** Creates the model's table (and its indexes) on `db`. */
export async function createModelTable(
  db: AnyKysely,
  dialect: SqlDialect,
  model: AnyModel,
): Promise<void> {
  let table = db.schema.createTable(model.table)
  for (const [name, spec] of Object.entries(model.columns)) {
    table = table.addColumn(name, sql.raw(sqlType(spec, dialect)), (c) => column(c, spec, dialect))
  }
  await table.execute()
  for (const index of model.indexes) {
    let ix = db.schema
      .createIndex(index.name)
      .on(model.table)
      .columns([...index.columns])
    if (index.unique) ix = ix.unique()
    await ix.execute()
  }
}

/** Drops the tables, children first. */
export async function dropTables(db: AnyKysely, tables: readonly string[]): Promise<void> {
  for (const table of tables) await db.schema.dropTable(table).ifExists().execute()
}
