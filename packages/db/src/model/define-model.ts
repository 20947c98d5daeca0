import type { z } from 'zod'
import type { MegaIssue } from '@mega/observe'
import { dbError } from '../errors.js'
import {
  COLUMN_TYPES,
  ID_STRATEGIES,
  REFERENTIAL_ACTIONS,
  type AnyColumn,
  type ColumnSpec,
} from './column.js'
import { columnSchema, createSchema, updateSchema } from './model-schemas.js'
import { nullPrototypeRecord } from './own-property.js'
import type {
  ColumnMap,
  IdField,
  InsertOf,
  ModelIndex,
  ModelOptions,
  SelectOf,
  UpdateOf,
} from './model-types.js'

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/i

/** A SQL identifier that rows (plain objects) can also hold as a key: `__proto__` cannot be one. */
const isIdentifier = (name: string): boolean => IDENT.test(name) && name !== '__proto__'

/** Names of the columns `timestamps` and `softDelete` add. */
export const AUTOMATIC_COLUMNS = Object.freeze({
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  deletedAt: 'deleted_at',
})

/** A model: its table, normalised columns, derived zod schemas, and inferred row types. */
export interface Model<
  T extends string = string,
  C extends ColumnMap = ColumnMap,
  O extends ModelOptions = ModelOptions,
> {
  readonly table: T
  /** Every column including the automatic ones, by name (a record without prototype). */
  readonly columns: Readonly<Record<string, ColumnSpec>>
  readonly primaryKey: string
  readonly timestamps: boolean
  readonly softDelete: boolean
  readonly indexes: readonly Required<ModelIndex>[]
  readonly renamedFrom: string | undefined
  /** zod schemas derived from the columns. */
  readonly schemas: {
    /** Validates create input (strict: unknown fields are refused); output is the insert type. */
    readonly create: z.ZodType<InsertOf<C>>
    /** Validates update input: any non-empty subset of the writable fields. */
    readonly update: z.ZodType<UpdateOf<C>>
    /**
     * One schema per column (nullability applied), for filters and custom validation (a record
     * without prototype: `fields.constructor` is `undefined`).
     */
    readonly fields: Readonly<Record<string, z.ZodType>>
  }
  /** Types only (no runtime value): `typeof User.$select` etc. */
  readonly $select: SelectOf<C, O>
  readonly $insert: InsertOf<C>
  readonly $update: UpdateOf<C>
  readonly $idType: SelectOf<C, O>[IdField<C> & keyof SelectOf<C, O>]
}

/** Any model. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- variance-free upper bound of Model
export type AnyModel = Model<string, any, any>

function automaticColumns(options: ModelOptions): Record<string, ColumnSpec> {
  const ts: ColumnSpec = {
    type: 'timestamp',
    nullable: false,
    unique: false,
    index: false,
    default: { sql: 'now' },
  }
  const out: Record<string, ColumnSpec> = {}
  if (options.timestamps !== false) {
    out[AUTOMATIC_COLUMNS.createdAt] = ts
    out[AUTOMATIC_COLUMNS.updatedAt] = ts
  }
  if (options.softDelete === true)
    out[AUTOMATIC_COLUMNS.deletedAt] = {
      type: 'timestamp',
      nullable: true,
      unique: false,
      index: true,
    }
  return out
}

function checkColumn(table: string, name: string, spec: ColumnSpec, issues: MegaIssue[]): void {
  const at = `${table}.${name}`
  if (!isIdentifier(name))
    issues.push({
      path: at,
      message: 'column names are identifiers: letters, digits and _, at most 63 (not __proto__)',
    })
  if (!(COLUMN_TYPES as readonly string[]).includes(spec.type))
    issues.push({ path: at, message: `unknown column type "${spec.type}"` })
  if (
    spec.idStrategy !== undefined &&
    !(ID_STRATEGIES as readonly string[]).includes(spec.idStrategy)
  ) {
    issues.push({ path: at, message: `id strategy must be one of ${ID_STRATEGIES.join(', ')}` })
  }
  if (
    spec.type === 'string' &&
    !(Number.isInteger(spec.length) && (spec.length ?? 0) > 0 && (spec.length ?? 0) <= 65_535)
  ) {
    issues.push({ path: at, message: 'string length must be an integer from 1 to 65535' })
  }
  if (spec.type === 'decimal' && !validDecimal(spec))
    issues.push({ path: at, message: 'decimal needs 1 ≤ precision ≤ 65 and 0 ≤ scale ≤ precision' })
  if (
    spec.type === 'enum' &&
    (spec.values === undefined ||
      spec.values.length === 0 ||
      new Set(spec.values).size !== spec.values.length)
  ) {
    issues.push({ path: at, message: 'enum needs a non-empty list of distinct values' })
  }
  for (const action of [spec.onDelete, spec.onUpdate]) {
    if (action !== undefined && !(REFERENTIAL_ACTIONS as readonly string[]).includes(action))
      issues.push({
        path: at,
        message: `referential action must be one of ${REFERENTIAL_ACTIONS.join(', ')}`,
      })
  }
  if (spec.onDelete === 'set null' && !spec.nullable)
    issues.push({ path: at, message: 'onDelete "set null" needs a nullable column' })
  checkDefault(at, spec, issues)
}

function validDecimal(spec: ColumnSpec): boolean {
  const { precision = 0, scale = -1 } = spec
  return (
    Number.isInteger(precision) &&
    Number.isInteger(scale) &&
    precision >= 1 &&
    precision <= 65 &&
    scale >= 0 &&
    scale <= precision
  )
}

function checkDefault(at: string, spec: ColumnSpec, issues: MegaIssue[]): void {
  if (spec.default === undefined || isSqlDefault(spec.default)) return
  if (spec.type === 'reference' || spec.type === 'id') {
    issues.push({ path: at, message: `a ${spec.type} column cannot have a literal default` })
    return
  }
  const result = columnSchema(spec).safeParse(spec.default)
  if (!result.success)
    issues.push({
      path: at,
      message: `default ${JSON.stringify(spec.default)} is not a valid value: ${result.error.issues[0]?.message ?? ''}`,
    })
}

function isSqlDefault(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'sql' in value
}

function normaliseIndexes(
  table: string,
  indexes: readonly ModelIndex[],
  columns: Record<string, ColumnSpec>,
  issues: MegaIssue[],
): Required<ModelIndex>[] {
  const seen = new Set<string>()
  return indexes.map((index, i) => {
    const unique = index.unique ?? false
    const name = index.name ?? `${table}_${index.columns.join('_')}_${unique ? 'key' : 'idx'}`
    if (index.columns.length === 0)
      issues.push({ path: `${table}.indexes[${i}]`, message: 'an index needs at least one column' })
    for (const column of index.columns) {
      if (!Object.hasOwn(columns, column))
        issues.push({ path: `${table}.indexes[${i}]`, message: `unknown column "${column}"` })
    }
    const key = `${unique}:${index.columns.join(',')}`
    if (seen.has(key) || seen.has(name))
      issues.push({ path: `${table}.indexes[${i}]`, message: 'duplicate index' })
    seen.add(key).add(name)
    return { columns: [...index.columns], unique, name }
  })
}

/**
 * Declares a model: its table, columns and options. Types for rows, create and update input are
 * inferred; zod schemas for create and update are derived. Every problem is reported at once
 * (`MEGA_MODEL_INVALID`, each issue naming `table.column`).
 *
 * @example
 * export const User = defineModel('users', {
 *   id: col.id(),
 *   email: col.string(255).unique(),
 *   role: col.enum(['user', 'admin']).default('user'),
 * }, { softDelete: true })
 * type UserRow = typeof User.$select
 */
export function defineModel<
  const T extends string,
  C extends Readonly<Record<string, AnyColumn>>,
  const O extends ModelOptions = ModelOptions,
>(table: T, columns: C, options?: O): Model<T, C, O> {
  const opts: ModelOptions = options ?? {}
  const issues: MegaIssue[] = []
  if (!isIdentifier(table))
    issues.push({
      path: table,
      message: 'table names are identifiers: letters, digits and _, at most 63 (not __proto__)',
    })
  const specs = Object.create(null) as Record<string, ColumnSpec>
  for (const [name, column] of Object.entries(columns)) specs[name] = column.spec
  const automatic = automaticColumns(opts)
  for (const name of Object.keys(automatic))
    if (Object.hasOwn(specs, name))
      issues.push({
        path: `${table}.${name}`,
        message: `"${name}" is added by the timestamps/softDelete options: rename your column`,
      })
  const all = nullPrototypeRecord({ ...specs, ...automatic })
  for (const [name, spec] of Object.entries(specs)) checkColumn(table, name, spec, issues)
  const ids = Object.entries(specs).filter(([, s]) => s.type === 'id')
  if (ids.length !== 1)
    issues.push({
      path: table,
      message: `a model needs exactly one col.id() column (found ${ids.length})`,
    })
  const indexes = normaliseIndexes(table, opts.indexes ?? [], all, issues)
  if (issues.length > 0) {
    throw dbError(
      'MEGA_MODEL_INVALID',
      `Model "${table}" is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    )
  }
  const create = createSchema(all, new Set(Object.keys(automatic)))
  const fields = nullPrototypeRecord(
    Object.fromEntries(Object.entries(all).map(([name, spec]) => [name, columnSchema(spec)])),
  )
  return Object.freeze({
    table,
    // No prototype: a field name from a request (`constructor`, `toString`) finds no column.
    columns: all,
    primaryKey: ids[0]?.[0] ?? 'id',
    timestamps: opts.timestamps !== false,
    softDelete: opts.softDelete === true,
    indexes: Object.freeze(indexes),
    renamedFrom: opts.renamedFrom,
    schemas: Object.freeze({ create, update: updateSchema(create), fields }),
  }) as unknown as Model<T, C, O>
}
