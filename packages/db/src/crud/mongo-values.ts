import type { Document } from 'mongodb'
import type { ColumnSpec } from '../model/column.js'
import type { AnyModel } from '../model/define-model.js'
import { ownProperty } from '../model/own-property.js'

function padDecimal(text: string, scale: number): string {
  if (scale === 0) return text
  const [whole, fraction = ''] = text.split('.')
  return `${whole}.${fraction.padEnd(scale, '0')}`
}

/**
 * One value (already valid for its column) as a Mongo document stores it: decimals as strings with
 * `scale` digits, bigints as canonical decimal strings, timestamps as BSON dates, dates as
 * `YYYY-MM-DD`, json as embedded documents.
 */
export function toStored(spec: ColumnSpec, value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (spec.type === 'timestamp') return value instanceof Date ? value : new Date(value as string)
  if (spec.type === 'bigint') return BigInt(value as string).toString()
  if (spec.type !== 'decimal') return value
  const scale = spec.scale ?? 0
  return padDecimal(typeof value === 'number' ? value.toFixed(scale) : (value as string), scale)
}

/** The document key of a model field: the primary key is `_id`. */
export function docKey(model: AnyModel, field: string): string {
  return field === model.primaryKey ? '_id' : field
}

/** A stored document as a row of the model (missing fields are `null`, `_id` → the primary key). */
export function rowFromDoc(model: AnyModel, doc: Document): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(model.columns)) {
    const value: unknown = doc[docKey(model, name)]
    out[name] =
      value === null || value === undefined
        ? null
        : spec.type === 'timestamp' && !(value instanceof Date)
          ? new Date(value as string)
          : value
  }
  return out
}

/** Model values as a document (or a `$set`): unknown and `undefined` fields are left out. */
export function rowToDoc(model: AnyModel, values: Record<string, unknown>): Document {
  const doc: Document = {}
  for (const [name, value] of Object.entries(values)) {
    const spec = ownProperty(model.columns, name)
    if (spec !== undefined && value !== undefined) doc[docKey(model, name)] = toStored(spec, value)
  }
  return doc
}
