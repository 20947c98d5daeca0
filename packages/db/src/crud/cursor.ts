import { dbError } from '../errors.js'
import type { AnyModel } from '../model/define-model.js'
import { ownProperty } from '../model/own-property.js'

/** Encodes the sort-key values of the last row as an opaque cursor. */
export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(
    JSON.stringify(values.map((v) => (v instanceof Date ? { $date: v.toISOString() } : v))),
  ).toString('base64url')
}

function invalidCursor(): Error {
  return dbError(
    'MEGA_CRUD_INVALID_QUERY',
    'Invalid cursor: pass back the nextCursor of the previous page unchanged, with the same sort.',
    {
      issues: [{ path: 'cursor', message: 'not a cursor of this listing' }],
    },
  )
}

function isDateMark(v: unknown): v is { $date: unknown } {
  return typeof v === 'object' && v !== null && Object.hasOwn(v, '$date')
}

/** Decodes a cursor made by {@link encodeCursor} for `length` sort keys; a tampered one is a 422. */
export function decodeCursor(cursor: string, length: number): unknown[] {
  let values: unknown
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    values = undefined
  }
  if (!Array.isArray(values) || values.length !== length) throw invalidCursor()
  return values.map((v: unknown) => (isDateMark(v) ? new Date(String(v.$date)) : v))
}

/**
 * Decodes a cursor for the validated sort `fields` and checks each value against its column's
 * schema, so a tampered cursor is a 422 and never reaches the database.
 */
export function parseCursor(model: AnyModel, fields: readonly string[], cursor: string): unknown[] {
  const values = decodeCursor(cursor, fields.length)
  values.forEach((v, i) => {
    const schema = ownProperty(model.schemas.fields, fields[i] as string)
    if (schema?.safeParse(v).success !== true) throw invalidCursor()
  })
  return values
}
