// Snapshot diff: the operations that turn one schema into another, in an order every SQL dialect can
// run (renames, then drops of indexes / foreign keys / columns / tables, then creates), plus their
// inverse for `down` and a replay that applies operations to a schema.
import type { MegaIssue } from '@mega/observe'
import { dbError } from '../errors.js'
import type {
  ColumnSchema,
  DatabaseSchema,
  MigrationOperation,
  TableSchema,
} from './migration-types.js'
import { nullPrototypeRecord, ownProperty } from '../model/own-property.js'
import { applyOperation } from './schema-builder.js'
import type { SchemaRenames } from './model-scan.js'

/** Options of {@link diffSchemas}. */
export interface DiffOptions {
  /** Renames the models declare (`renamedFrom`); renames are never guessed. @default no renames */
  readonly renames?: Partial<SchemaRenames>
  /** Allow operations that lose data (drop table/column, narrowing a column). @default false */
  readonly allowDestructive?: boolean
}

type Op = MigrationOperation
type Phase =
  'renames' | 'dropIndexes' | 'dropFks' | 'drops' | 'creates' | 'alters' | 'indexes' | 'fks'
const PHASES: readonly Phase[] = [
  'renames',
  'dropIndexes',
  'dropFks',
  'drops',
  'creates',
  'alters',
  'indexes',
  'fks',
]

interface Plan {
  readonly ops: Record<Phase, Op[]>
  readonly destructive: MegaIssue[]
}

/**
 * The operations that turn `before` (the committed snapshot) into `after` (the scanned models), in
 * a safe order. Renames come only from `renames`. Operations that may lose data are refused with
 * `MEGA_DB_MIGRATION_DESTRUCTIVE` (one issue per operation) unless `allowDestructive` is set.
 *
 * @example
 * const { schema, renames } = scanModels(models)
 * const operations = diffSchemas(await readSnapshot(root), schema, { renames })
 */
export function diffSchemas(
  before: DatabaseSchema,
  after: DatabaseSchema,
  options: DiffOptions = {},
): MigrationOperation[] {
  const plan: Plan = {
    ops: Object.fromEntries(PHASES.map((p) => [p, []])) as unknown as Record<Phase, Op[]>,
    destructive: [],
  }
  const working = planRenames(before, after, options.renames ?? {}, plan)
  const kept: [TableSchema, TableSchema][] = []
  const created: TableSchema[] = []
  for (const table of Object.values(after.tables)) {
    const old = ownProperty(working.tables, table.name)
    if (old === undefined) created.push(table)
    else if (old.primaryKey === table.primaryKey) kept.push([old, table])
    else {
      plan.destructive.push({
        path: table.name,
        message: `primary key changes from "${old.primaryKey}" to "${table.primaryKey}": the table is dropped and created again`,
      })
      planDropTables([old], new Set(), plan)
      created.push(table)
    }
  }
  const keptNames = new Set(kept.map(([, t]) => t.name))
  for (const [old, table] of kept) planTable(old, table, plan)
  const gone = Object.values(working.tables).filter((t) => !Object.hasOwn(after.tables, t.name))
  planDropTables(gone, keptNames, plan)
  planCreateTables(created, keptNames, plan)
  if (plan.destructive.length > 0 && options.allowDestructive !== true) {
    throw dbError(
      'MEGA_DB_MIGRATION_DESTRUCTIVE',
      `The migration would lose data (${plan.destructive.map((i) => `${i.path}: ${i.message}`).join('; ')}). Review it, then pass allowDestructive (CLI: --allow-destructive), or declare renamedFrom if this is a rename.`,
      { issues: plan.destructive },
    )
  }
  return PHASES.flatMap((phase) => plan.ops[phase])
}

function planRenames(
  before: DatabaseSchema,
  after: DatabaseSchema,
  renames: Partial<SchemaRenames>,
  plan: Plan,
): DatabaseSchema {
  let working = before
  const emit = (op: Op): void => {
    plan.ops.renames.push(op)
    working = applyOperation(working, op)
  }
  for (const [to, from] of Object.entries(renames.tables ?? {}))
    if (canRename(working.tables, after.tables, from, to)) emit({ op: 'renameTable', from, to })
  for (const [table, columns] of Object.entries(renames.columns ?? {})) {
    const old = ownProperty(working.tables, table)
    const target = ownProperty(after.tables, table)
    if (old === undefined || target === undefined) continue
    const have = byName(old.columns)
    const want = byName(target.columns)
    for (const [to, from] of Object.entries(columns))
      if (canRename(have, want, from, to)) emit({ op: 'renameColumn', table, from, to })
  }
  return working
}

function canRename(
  have: Readonly<Record<string, unknown>>,
  want: Readonly<Record<string, unknown>>,
  from: string,
  to: string,
): boolean {
  return Object.hasOwn(have, from) && !Object.hasOwn(have, to) && Object.hasOwn(want, to)
}

function planTable(old: TableSchema, table: TableSchema, plan: Plan): void {
  const oldIndexes = byName(old.indexes)
  const newIndexes = byName(table.indexes)
  for (const index of old.indexes)
    if (!same(index, newIndexes[index.name]))
      plan.ops.dropIndexes.push({ op: 'dropIndex', table: old.name, index })
  for (const index of table.indexes)
    if (!same(index, oldIndexes[index.name]))
      plan.ops.indexes.push({ op: 'createIndex', table: table.name, index })
  const oldColumns = byName(old.columns)
  const newColumns = byName(table.columns)
  for (const column of old.columns)
    if (newColumns[column.name] === undefined) planDropColumn(table.name, column, plan)
  for (const column of table.columns) {
    const from = oldColumns[column.name]
    if (from === undefined) plan.ops.alters.push({ op: 'addColumn', table: table.name, column })
    else if (!same(from, column)) planAlter(table.name, from, column, plan)
  }
}

function planDropColumn(table: string, column: ColumnSchema, plan: Plan): void {
  plan.destructive.push({
    path: `${table}.${column.name}`,
    message: 'drop column (its data is lost)',
  })
  const previous = withoutReference(column)
  if (column.references !== undefined)
    plan.ops.dropFks.push({ op: 'alterColumn', table, from: column, to: previous })
  plan.ops.drops.push({ op: 'dropColumn', table, column: column.name, previous })
}

function planAlter(table: string, from: ColumnSchema, to: ColumnSchema, plan: Plan): void {
  const reason = narrowing(from, to)
  if (reason !== undefined) plan.destructive.push({ path: `${table}.${to.name}`, message: reason })
  let current = from
  if (from.references !== undefined && !same(from.references, to.references)) {
    current = withoutReference(from)
    plan.ops.dropFks.push({ op: 'alterColumn', table, from, to: current })
  }
  if (!same(current, to)) plan.ops.alters.push({ op: 'alterColumn', table, from: current, to })
}

function planDropTables(tables: readonly TableSchema[], kept: Set<string>, plan: Plan): void {
  const { order, deferred } = orderByReferences(tables, kept)
  for (const table of tables)
    plan.destructive.push({ path: table.name, message: 'drop table (its rows are lost)' })
  for (const { table, column } of deferred)
    plan.ops.dropFks.push({
      op: 'alterColumn',
      table: table.name,
      from: column,
      to: withoutReference(column),
    })
  for (const table of [...order].reverse())
    plan.ops.drops.push({ op: 'dropTable', table: table.name, previous: strip(table, deferred) })
}

function planCreateTables(tables: readonly TableSchema[], kept: Set<string>, plan: Plan): void {
  const { order, deferred } = orderByReferences(tables, kept)
  for (const table of order)
    plan.ops.creates.push({ op: 'createTable', table: strip(table, deferred) })
  for (const { table, column } of deferred)
    plan.ops.fks.push({
      op: 'alterColumn',
      table: table.name,
      from: withoutReference(column),
      to: column,
    })
}

interface Deferred {
  readonly table: TableSchema
  readonly column: ColumnSchema
}

/** Referenced tables first; references that would form a cycle are deferred (added by ALTER). */
function orderByReferences(
  tables: readonly TableSchema[],
  existing: Set<string>,
): { order: TableSchema[]; deferred: Deferred[] } {
  const placed = new Set(existing)
  const pending = new Set(tables.map((t) => t.name))
  const remaining = [...tables].sort((a, b) => a.name.localeCompare(b.name))
  const order: TableSchema[] = []
  const deferred: Deferred[] = []
  const blocking = (t: TableSchema): ColumnSchema[] =>
    t.columns.filter((c) => {
      const target = c.references?.table
      return target !== undefined && target !== t.name && pending.has(target) && !placed.has(target)
    })
  while (remaining.length > 0) {
    const next = remaining.findIndex((t) => blocking(t).length === 0)
    const [table] = remaining.splice(Math.max(next, 0), 1)
    if (table === undefined) break
    if (next < 0) for (const column of blocking(table)) deferred.push({ table, column })
    placed.add(table.name)
    order.push(table)
  }
  return { order, deferred }
}

function strip(table: TableSchema, deferred: readonly Deferred[]): TableSchema {
  const columns = deferred.filter((d) => d.table === table).map((d) => d.column)
  if (columns.length === 0) return table
  return {
    ...table,
    columns: table.columns.map((c) => (columns.includes(c) ? withoutReference(c) : c)),
  }
}

function withoutReference(column: ColumnSchema): ColumnSchema {
  const { references: _references, ...rest } = column
  return rest
}

const WIDER_TYPES: Readonly<Record<string, readonly string[]>> = {
  integer: ['bigint', 'text'],
  bigint: ['text'],
  string: ['text'],
  enum: ['text'],
  boolean: ['text'],
  date: ['text'],
}

/**
 * Why changing a column from `from` to `to` may lose data, or `undefined` when it cannot: a type
 * change other than a widening, a shorter string, lower decimal precision or scale, enum values
 * removed, an id strategy change, or nullable → not null without a default.
 */
export function narrowing(from: ColumnSchema, to: ColumnSchema): string | undefined {
  const type = typeNarrowing(from, to)
  if (type !== undefined) return type
  if (from.nullable && !to.nullable && to.default === undefined)
    return 'nullable → not null without a default (rows holding null would fail)'
  return undefined
}

function typeNarrowing(from: ColumnSchema, to: ColumnSchema): string | undefined {
  if (from.type === to.type) return sameTypeNarrowing(from, to)
  if (WIDER_TYPES[from.type]?.includes(to.type) === true) return undefined
  if (from.type === 'enum' && to.type === 'string') {
    const longest = Math.max(...(from.values ?? []).map((v) => v.length))
    if (longest <= (to.length ?? 0)) return undefined
  }
  return `type changes from ${describeType(from)} to ${describeType(to)} (values may not convert)`
}

function sameTypeNarrowing(from: ColumnSchema, to: ColumnSchema): string | undefined {
  if (from.type === 'string' && (to.length ?? 0) < (from.length ?? 0))
    return `shorter string (${from.length} → ${to.length})`
  if (from.type === 'decimal') {
    const [fp, fs, tp, ts] = [
      from.precision ?? 0,
      from.scale ?? 0,
      to.precision ?? 0,
      to.scale ?? 0,
    ]
    if (ts < fs || tp - ts < fp - fs)
      return `decimal(${fp},${fs}) → decimal(${tp},${ts}) loses digits`
  }
  if (from.type === 'enum') {
    const removed = (from.values ?? []).filter((v) => !(to.values ?? []).includes(v))
    if (removed.length > 0) return `enum values removed: ${removed.join(', ')}`
  }
  if (from.type === 'id' && from.idStrategy !== to.idStrategy)
    return `id strategy changes from ${from.idStrategy} to ${to.idStrategy}`
  return undefined
}

function describeType(column: ColumnSchema): string {
  if (column.type === 'string') return `string(${column.length})`
  if (column.type === 'decimal') return `decimal(${column.precision},${column.scale})`
  if (column.type === 'id') return `id(${column.idStrategy})`
  return column.type
}

/**
 * The operations that undo `operations` (for a migration's `down`): each inverted, in reverse order.
 * A `raw` operation has no inverse: `MEGA_DB_MIGRATION_INVALID`.
 *
 * @example
 * const down = invertOperations(diffSchemas(snapshot, schema))
 */
export function invertOperations(operations: readonly MigrationOperation[]): MigrationOperation[] {
  return [...operations].reverse().map(invertOperation)
}

function invertOperation(op: MigrationOperation): MigrationOperation {
  switch (op.op) {
    case 'createTable':
      return { op: 'dropTable', table: op.table.name, previous: op.table }
    case 'dropTable':
      return { op: 'createTable', table: op.previous }
    case 'renameTable':
      return { op: 'renameTable', from: op.to, to: op.from }
    case 'addColumn':
      return { op: 'dropColumn', table: op.table, column: op.column.name, previous: op.column }
    case 'dropColumn':
      return { op: 'addColumn', table: op.table, column: op.previous }
    case 'renameColumn':
      return { op: 'renameColumn', table: op.table, from: op.to, to: op.from }
    case 'alterColumn':
      return { op: 'alterColumn', table: op.table, from: op.to, to: op.from }
    case 'createIndex':
      return { op: 'dropIndex', table: op.table, index: op.index }
    case 'dropIndex':
      return { op: 'createIndex', table: op.table, index: op.index }
    case 'rebuildTable':
      // The rebuilt table has the same schema; rebuilding it again is the harmless inverse.
      return op
    case 'raw':
      throw dbError('MEGA_DB_MIGRATION_INVALID', `A raw operation cannot be inverted: ${op.sql}`)
  }
}

/** Items by name, in a record without prototype (a column may be called `constructor`). */
function byName<T extends { readonly name: string }>(
  items: readonly T[],
): Readonly<Record<string, T>> {
  return nullPrototypeRecord(Object.fromEntries(items.map((item) => [item.name, item])))
}

/** Deep equality of plain JSON data (key order and undefined members ignored). */
function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b)
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}
