// MongoDB: operations become commands on collections, indexes and `$jsonSchema` validators instead of
// SQL. A runner executes them with the driver (`db.createCollection`, `collMod`, `createIndex`...).
import type {
  ColumnSchema,
  DatabaseSchema,
  MigrationOperation,
  TableSchema,
} from '../migrations/migration-types.js'
import {
  applyOperation,
  assertKnownOperation,
  invalidOperation,
  requireTable,
} from '../migrations/schema-builder.js'

/** A `$jsonSchema` document. */
export type JsonSchema = Readonly<Record<string, unknown>>

/** One command of a Mongo migration, executed in order. */
export type MongoMigrationCommand =
  | {
      readonly kind: 'createCollection'
      readonly collection: string
      readonly validator: JsonSchema
    }
  | { readonly kind: 'dropCollection'; readonly collection: string }
  | { readonly kind: 'renameCollection'; readonly from: string; readonly to: string }
  | { readonly kind: 'setValidator'; readonly collection: string; readonly validator: JsonSchema }
  | {
      readonly kind: 'createIndex'
      readonly collection: string
      readonly name: string
      readonly keys: Readonly<Record<string, 1>>
      readonly unique: boolean
    }
  | { readonly kind: 'dropIndex'; readonly collection: string; readonly name: string }
  | {
      readonly kind: 'updateMany'
      readonly collection: string
      readonly filter: Readonly<Record<string, unknown>>
      readonly update: Readonly<Record<string, unknown>>
    }
  | { readonly kind: 'command'; readonly command: Readonly<Record<string, unknown>> }

/** The Mongo migration dialect: like a SQL dialect, but compiling to {@link MongoMigrationCommand}s. */
export interface MongoMigrationDialect {
  readonly name: 'mongo'
  compile(operation: MigrationOperation, schema: DatabaseSchema): MongoMigrationCommand[]
}

const BSON_TYPES: Readonly<
  Record<ColumnSchema['type'], (c: ColumnSchema) => Record<string, unknown>>
> = {
  id: (c) => ({ bsonType: c.idStrategy === 'increment' ? ['int', 'long'] : 'string' }),
  string: (c) => ({ bsonType: 'string', maxLength: c.length ?? 255 }),
  text: () => ({ bsonType: 'string' }),
  integer: () => ({ bsonType: ['int', 'long'] }),
  bigint: () => ({ bsonType: ['string', 'long', 'decimal'] }),
  decimal: () => ({ bsonType: ['string', 'long', 'decimal'] }),
  boolean: () => ({ bsonType: 'bool' }),
  date: () => ({ bsonType: 'string' }),
  timestamp: () => ({ bsonType: 'date' }),
  json: () => ({}),
  enum: (c) => ({ enum: [...(c.values ?? [])] }),
}

function bsonType(column: ColumnSchema): Record<string, unknown> {
  return BSON_TYPES[column.type](column)
}

function property(column: ColumnSchema): Record<string, unknown> {
  const base = bsonType(column)
  if (!column.nullable) return base
  if ('enum' in base) return { enum: [...(base.enum as unknown[]), null] }
  if (!('bsonType' in base)) return base
  return { ...base, bsonType: [base.bsonType, 'null'].flat() }
}

/** The `$jsonSchema` validator of a table: its columns' types, non-null columns without default required. */
export function mongoValidator(table: TableSchema): JsonSchema {
  const properties: Record<string, unknown> = {}
  for (const c of table.columns)
    properties[c.name === table.primaryKey ? '_id' : c.name] = property(c)
  const required = table.columns
    .filter((c) => !c.nullable && c.default === undefined)
    .map((c) => (c.name === table.primaryKey ? '_id' : c.name))
  return {
    $jsonSchema: { bsonType: 'object', properties, ...(required.length > 0 ? { required } : {}) },
  }
}

function validatorAfter(
  op: MigrationOperation & { readonly table: string },
  schema: DatabaseSchema,
): MongoMigrationCommand {
  const table = applyOperation(schema, op).tables[op.table] as TableSchema
  return { kind: 'setValidator', collection: op.table, validator: mongoValidator(table) }
}

function rawCommand(op: Extract<MigrationOperation, { op: 'raw' }>): MongoMigrationCommand[] {
  if (op.dialect !== 'mongo') return []
  try {
    return [{ kind: 'command', command: JSON.parse(op.sql) as Record<string, unknown> }]
  } catch (cause) {
    throw invalidOperation(
      op,
      `a mongo raw operation must be a JSON command document (${String(cause)}).`,
    )
  }
}

function createIndex(
  collection: string,
  index: { name: string; columns: readonly string[]; unique: boolean },
): MongoMigrationCommand {
  const keys = Object.fromEntries(index.columns.map((c) => [c, 1 as const]))
  return { kind: 'createIndex', collection, name: index.name, keys, unique: index.unique }
}

function columnOp(
  op: Extract<
    MigrationOperation,
    { op: 'addColumn' | 'dropColumn' | 'renameColumn' | 'alterColumn' }
  >,
  schema: DatabaseSchema,
): MongoMigrationCommand[] {
  requireTable(schema, op.table, op)
  const all = { collection: op.table, filter: {} }
  const validator = validatorAfter(op, schema)
  switch (op.op) {
    case 'addColumn': {
      const value = op.column.default
      if (value === undefined || (typeof value === 'object' && value !== null && 'sql' in value))
        return [validator]
      const fill: MongoMigrationCommand = {
        kind: 'updateMany',
        collection: op.table,
        filter: { [op.column.name]: { $exists: false } },
        update: { $set: { [op.column.name]: value } },
      }
      return [fill, validator]
    }
    case 'dropColumn':
      return [validator, { kind: 'updateMany', ...all, update: { $unset: { [op.column]: '' } } }]
    case 'renameColumn':
      return [{ kind: 'updateMany', ...all, update: { $rename: { [op.from]: op.to } } }, validator]
    case 'alterColumn':
      return [validator]
  }
}

/**
 * The Mongo migration dialect: tables are collections with a `$jsonSchema` validator, indexes are
 * indexes, column changes rewrite documents (`$rename`, `$unset`, defaults) and the validator.
 *
 * @example
 * mongoMigrationDialect.compile({ op: 'renameTable', from: 'a', to: 'b' }, schema)
 * // [{ kind: 'renameCollection', from: 'a', to: 'b' }]
 */
export const mongoMigrationDialect: MongoMigrationDialect = Object.freeze({
  name: 'mongo' as const,
  compile(op: MigrationOperation, schema: DatabaseSchema): MongoMigrationCommand[] {
    assertKnownOperation(op)
    switch (op.op) {
      case 'createTable':
        return [
          {
            kind: 'createCollection',
            collection: op.table.name,
            validator: mongoValidator(op.table),
          },
          ...op.table.indexes.map((i) => createIndex(op.table.name, i)),
        ]
      case 'dropTable':
        return [{ kind: 'dropCollection', collection: op.table }]
      case 'renameTable':
        return [{ kind: 'renameCollection', from: op.from, to: op.to }]
      case 'createIndex':
        return [createIndex(op.table, op.index)]
      case 'dropIndex':
        return [{ kind: 'dropIndex', collection: op.table, name: op.index.name }]
      case 'rebuildTable':
        // Increment ids come from the counters collection, which never goes back: nothing to do.
        requireTable(schema, op.table, op)
        return []
      case 'raw':
        return rawCommand(op)
      case 'addColumn':
      case 'dropColumn':
      case 'renameColumn':
      case 'alterColumn':
        return columnOp(op, schema)
    }
  },
})
