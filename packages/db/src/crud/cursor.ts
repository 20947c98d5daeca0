import { dbError } from '../errors.js'

/** Encodes the sort-key values of the last row as an opaque cursor. */
export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(
    JSON.stringify(values.map((v) => (v instanceof Date ? { $date: v.toISOString() } : v))),
  ).toString('base64url')
}

/** Decodes a cursor made by {@link encodeCursor} for `length` sort keys; a tampered one is a 422. */
export function decodeCursor(cursor: string, length: number): unknown[] {
  let values: unknown
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    values = undefined
  }
  if (!Array.isArray(values) || values.length !== length) {
    throw dbError(
      'MEGA_CRUD_INVALID_QUERY',
      'Invalid cursor: pass back the nextCursor of the previous page unchanged, with the same sort.',
      {
        issues: [{ path: 'cursor', message: 'not a cursor of this listing' }],
      },
    )
  }
  return values.map((v: unknown) =>
    typeof v === 'object' && v !== null && '$date' in v ? new Date(String(v.$date)) : v,
  )
}
