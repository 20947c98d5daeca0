// Models → the schema the database should have. Everything is validated first, and every problem is
// reported at once (MEGA_DB_SCHEMA_INVALID, each issue naming `table.column`).
import type { MegaIssue } from '@mega/observe'
import { dbError } from '../errors.js'
import { COLUMN_TYPES, type ColumnSpec, type IdStrategy } from '../model/column.js'
import type { AnyModel } from '../model/define-model.js'
import {
  SCHEMA_FORMAT_VERSION,
  type ColumnSchema,
  type DatabaseSchema,
  type ForeignKeySchema,
  type IndexSchema,
  type TableSchema,
} from './migration-types.js'

/** Renames the models declare (`renamedFrom`): new name → previous name. */
export interface SchemaRenames {
  /** Table renames: new table name → previous table name. */
  readonly tables: Readonly<Record<string, string>>
  /** Column renames by (new) table name: new column name → previous column name. */
  readonly columns: Readonly<Record<string, Readonly<Record<string, string>>>>
}

/** What {@link scanModels} returns: the desired schema and the declared renames. */
export interface ModelScan {
  readonly schema: DatabaseSchema
  readonly renames: SchemaRenames
}

/** The part of a model the scan reads. */
export type ScannableModel = Pick<
  AnyModel,
  'table' | 'columns' | 'primaryKey' | 'indexes' | 'renamedFrom'
>

/** The column type a reference to an id of each strategy gets. */
const REFERENCE_COLUMN: Readonly<Record<IdStrategy, Pick<ColumnSchema, 'type' | 'length'>>> = {
  increment: { type: 'integer' },
  uuid: { type: 'string', length: 36 },
  ulid: { type: 'string', length: 26 },
}

/**
 * Turns models into the {@link DatabaseSchema} they describe: one table per model, `unique` columns
 * as unique indexes `<table>_<column>_key`, `index` columns as `<table>_<column>_idx`, references as
 * a column of the target id's type with a foreign key `<table>_<column>_fkey`. Throws
 * `MEGA_DB_SCHEMA_INVALID` listing every problem (unknown type, reference to a model that is not
 * scanned, duplicate table, column or index name, reference to a target whose key is not an id).
 *
 * @example
 * const { schema, renames } = scanModels([User, Post])
 */
export function scanModels(models: readonly ScannableModel[]): ModelScan {
  const issues: MegaIssue[] = []
  checkNames(models, issues)
  const tables: Record<string, TableSchema> = {}
  for (const model of models) tables[model.table] = scanTable(model, models, issues)
  checkIndexNames(Object.values(tables), issues)
  if (issues.length > 0) {
    throw dbError(
      'MEGA_DB_SCHEMA_INVALID',
      `The models do not describe a valid schema (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    )
  }
  return { schema: { version: SCHEMA_FORMAT_VERSION, tables }, renames: scanRenames(models) }
}

function checkNames(models: readonly ScannableModel[], issues: MegaIssue[]): void {
  const seen = new Map<string, string>()
  for (const model of models) {
    const key = model.table.toLowerCase()
    const other = seen.get(key)
    if (other !== undefined)
      issues.push({ path: model.table, message: `two models use the table name "${other}"` })
    seen.set(key, model.table)
  }
  for (const model of models) {
    const from = model.renamedFrom
    if (from !== undefined && from !== model.table && seen.has(from.toLowerCase()))
      issues.push({
        path: model.table,
        message: `renamedFrom "${from}" is the table of another model`,
      })
  }
}

function scanTable(
  model: ScannableModel,
  models: readonly ScannableModel[],
  issues: MegaIssue[],
): TableSchema {
  const columns: ColumnSchema[] = []
  const indexes: IndexSchema[] = []
  const lower = new Set<string>()
  const renamed = new Map<string, string>()
  for (const [name, spec] of Object.entries(model.columns)) {
    const at = `${model.table}.${name}`
    if (lower.has(name.toLowerCase()))
      issues.push({ path: at, message: 'duplicate column name (names are compared ignoring case)' })
    lower.add(name.toLowerCase())
    checkRename(at, spec.renamedFrom, model, renamed, issues)
    if (name === model.primaryKey && spec.type !== 'id')
      issues.push({ path: at, message: 'the primary key must be a col.id() column' })
    columns.push(scanColumn(model.table, name, spec, models, issues))
    if (spec.unique) indexes.push(single(model.table, name, true))
    else if (spec.index) indexes.push(single(model.table, name, false))
  }
  if (model.columns[model.primaryKey] === undefined)
    issues.push({ path: model.table, message: `primary key "${model.primaryKey}" is not a column` })
  for (const index of model.indexes)
    indexes.push({ name: index.name, columns: [...index.columns], unique: index.unique })
  return { name: model.table, columns, primaryKey: model.primaryKey, indexes }
}

function checkRename(
  at: string,
  from: string | undefined,
  model: ScannableModel,
  renamed: Map<string, string>,
  issues: MegaIssue[],
): void {
  if (from === undefined) return
  if (model.columns[from] !== undefined)
    issues.push({ path: at, message: `renamedFrom "${from}" is still a column of the model` })
  const other = renamed.get(from)
  if (other !== undefined)
    issues.push({ path: at, message: `renamedFrom "${from}" is also declared by "${other}"` })
  renamed.set(from, at)
}

function single(table: string, column: string, unique: boolean): IndexSchema {
  return { name: `${table}_${column}_${unique ? 'key' : 'idx'}`, columns: [column], unique }
}

function scanColumn(
  table: string,
  name: string,
  spec: ColumnSpec,
  models: readonly ScannableModel[],
  issues: MegaIssue[],
): ColumnSchema {
  // Key order is what a generated migration shows: name, type, nullable, default, the rest.
  const fields = columnFields(table, name, spec, models, issues)
  const { name: _name, type, nullable, default: value, ...rest } = fields
  return { name, type, nullable, ...('default' in fields ? { default: value } : {}), ...rest }
}

function columnFields(
  table: string,
  name: string,
  spec: ColumnSpec,
  models: readonly ScannableModel[],
  issues: MegaIssue[],
): ColumnSchema {
  const at = `${table}.${name}`
  if (!(COLUMN_TYPES as readonly string[]).includes(spec.type)) {
    issues.push({ path: at, message: `unknown column type "${String(spec.type)}"` })
    return { name, type: 'text', nullable: spec.nullable }
  }
  const common = {
    name,
    nullable: spec.nullable,
    ...(spec.default === undefined ? {} : { default: plainDefault(spec.default) }),
  }
  switch (spec.type) {
    case 'reference':
      return { ...common, ...scanReference(table, name, spec, models, issues) }
    case 'id':
      return { ...common, type: 'id', idStrategy: spec.idStrategy ?? 'increment' }
    case 'string':
      return { ...common, type: 'string', length: spec.length ?? 255 }
    case 'decimal':
      return { ...common, type: 'decimal', precision: spec.precision, scale: spec.scale }
    case 'enum':
      return { ...common, type: 'enum', values: [...(spec.values ?? [])] }
    case 'text':
    case 'integer':
    case 'bigint':
    case 'boolean':
    case 'date':
    case 'timestamp':
    case 'json':
      return { ...common, type: spec.type }
  }
}

function scanReference(
  table: string,
  name: string,
  spec: ColumnSpec,
  models: readonly ScannableModel[],
  issues: MegaIssue[],
): Pick<ColumnSchema, 'type' | 'length' | 'references'> {
  const at = `${table}.${name}`
  const target = resolveTarget(at, spec, issues)
  if (target === undefined) return { type: 'integer' }
  if (!models.some((m) => m.table === target.table))
    issues.push({
      path: at,
      message: `references model "${target.table}", which is not among the scanned models`,
    })
  const key = target.columns[target.primaryKey]
  if (key?.type !== 'id') {
    issues.push({
      path: at,
      message: `references "${target.table}.${target.primaryKey}", which is not a col.id() column`,
    })
    return { type: 'integer' }
  }
  const references: ForeignKeySchema = {
    name: `${table}_${name}_fkey`,
    table: target.table,
    column: target.primaryKey,
    ...(spec.onDelete === undefined ? {} : { onDelete: spec.onDelete }),
    ...(spec.onUpdate === undefined ? {} : { onUpdate: spec.onUpdate }),
  }
  return { ...REFERENCE_COLUMN[key.idStrategy ?? 'increment'], references }
}

function resolveTarget(
  at: string,
  spec: ColumnSpec,
  issues: MegaIssue[],
): ReturnType<NonNullable<ColumnSpec['references']>> | undefined {
  try {
    const target = spec.references?.()
    if (target?.table !== undefined) return target
    issues.push({ path: at, message: 'reference has no target model (got undefined)' })
  } catch (error) {
    issues.push({ path: at, message: `reference target could not be resolved: ${String(error)}` })
  }
  return undefined
}

/** Literal defaults as JSON would keep them (a `Date` becomes its ISO string). */
function plainDefault(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString()
  return JSON.parse(JSON.stringify(value)) as unknown
}

function checkIndexNames(tables: readonly TableSchema[], issues: MegaIssue[]): void {
  const seen = new Map<string, string>()
  for (const table of tables) {
    for (const index of table.indexes) {
      const key = index.name.toLowerCase()
      const other = seen.get(key)
      if (other !== undefined)
        issues.push({
          path: `${table.name}.${index.columns.join(',')}`,
          message: `duplicate index name "${index.name}" (also on ${other}; names are per database)`,
        })
      seen.set(key, table.name)
    }
  }
}

function scanRenames(models: readonly ScannableModel[]): SchemaRenames {
  const tables: Record<string, string> = {}
  const columns: Record<string, Record<string, string>> = {}
  for (const model of models) {
    if (model.renamedFrom !== undefined && model.renamedFrom !== model.table)
      tables[model.table] = model.renamedFrom
    for (const [name, spec] of Object.entries(model.columns)) {
      if (spec.renamedFrom === undefined || spec.renamedFrom === name) continue
      columns[model.table] = { ...columns[model.table], [name]: spec.renamedFrom }
    }
  }
  return { tables, columns }
}
