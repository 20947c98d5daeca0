import type { Document, Filter } from 'mongodb'
import type { MegaError } from '@mega/observe'
import { dbError } from '../errors.js'
import {
  FILTER_OPERATORS,
  type FilterOperator,
  type ModelFilter,
  type SortSpec,
} from '../crud/filter-types.js'

/** Regex metacharacters (JavaScript and PCRE) escaped in the literal parts of a `like` pattern. */
const REGEX_META = /[\\^$.*+?()[\]{}|/#-]/

/** A part of one field's Mongo condition (`{ $gte: 1 }`, `{ $regex, $options }`). */
type Piece = Readonly<Record<string, unknown>>

function invalid(message: string, details: Record<string, unknown>): MegaError {
  return dbError('MEGA_CRUD_INVALID_QUERY', message, { details })
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function isOperator(key: string): key is FilterOperator {
  return (FILTER_OPERATORS as readonly string[]).includes(key)
}

function checkField(field: string): void {
  if (field === '' || field.startsWith('$') || field.includes('\0')) {
    throw invalid(
      `"${field}" is not a field name: a filter or sort names model fields, never Mongo operators.`,
      { field },
    )
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (isPlainObject(value)) return 'an object'
  if (value instanceof RegExp) return 'a RegExp'
  return typeof value
}

/**
 * A value compared with: a scalar, a Date or a driver value (ObjectId, Decimal128...). Plain objects
 * and arrays are refused, so a value can never smuggle in a Mongo operator (`{ $gt: '' }`).
 */
function checkOperand(field: string, operator: FilterOperator, value: unknown): unknown {
  const type = typeof value
  if (value === null || ['string', 'number', 'boolean', 'bigint'].includes(type)) return value
  const ok =
    type === 'object' &&
    !Array.isArray(value) &&
    !isPlainObject(value) &&
    !(value instanceof RegExp)
  if (ok) return value
  const hint = Array.isArray(value) ? ': use { in: [...] } for a list' : ''
  throw invalid(
    `Filter on "${field}": ${operator} cannot compare with ${describe(value)}${hint}. Use a string, number, boolean, date or id.`,
    { field, operator },
  )
}

function escapeChar(char: string): string {
  if (char === '\0') return '\\x00'
  return REGEX_META.test(char) ? `\\${char}` : char
}

/**
 * Turns a SQL LIKE pattern into an anchored regex source for Mongo's `$regex` (with the `s` option):
 * `%` → `.*`, `_` → `.`, `\x` → literal `x`, every other character literal (metacharacters escaped).
 * The end anchor `(?![\s\S])` means "end of string" in both PCRE and JavaScript (PCRE's `$` would
 * also match before a final newline).
 *
 * @example
 * likeToRegexSource('50%_off.') // '^50.*.off\\.(?![\\s\\S])'
 */
export function likeToRegexSource(pattern: string): string {
  let source = ''
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern.charAt(i)
    if (char === '\\' && i + 1 < pattern.length) {
      i += 1
      source += escapeChar(pattern.charAt(i))
    } else if (char === '%') source += '.*'
    else if (char === '_') source += '.'
    else source += escapeChar(char)
  }
  return `^${source}(?![\\s\\S])`
}

function isNullPiece(field: string, value: unknown): Piece {
  if (typeof value !== 'boolean') {
    throw invalid(`Filter on "${field}": isNull takes true or false, got ${describe(value)}.`, {
      field,
      operator: 'isNull',
    })
  }
  return value ? { $eq: null } : { $ne: null }
}

function inPiece(field: string, value: unknown): Piece {
  if (!Array.isArray(value)) {
    throw invalid(`Filter on "${field}": in takes an array, got ${describe(value)}.`, {
      field,
      operator: 'in',
    })
  }
  return { $in: value.map((item: unknown) => checkOperand(field, 'in', item)) }
}

function likePiece(field: string, value: unknown): Piece {
  if (typeof value !== 'string') {
    throw invalid(`Filter on "${field}": like takes a string pattern, got ${describe(value)}.`, {
      field,
      operator: 'like',
    })
  }
  return { $regex: likeToRegexSource(value), $options: 's' }
}

function comparePiece(field: string, operator: 'gt' | 'gte' | 'lt' | 'lte', value: unknown): Piece {
  if (checkOperand(field, operator, value) === null) {
    throw invalid(`Filter on "${field}": ${operator} cannot compare with null; use isNull.`, {
      field,
      operator,
    })
  }
  return { [`$${operator}`]: value }
}

/** The Mongo condition of one operator; `eq`/`ne` with `null` mean is null / is not null (as SQL). */
function pieceFor(field: string, operator: FilterOperator, value: unknown): Piece {
  switch (operator) {
    case 'eq':
      return { $eq: checkOperand(field, operator, value) }
    case 'ne':
      // `$ne: v` alone would also match null and missing fields; SQL's `<>` never matches NULL.
      return checkOperand(field, operator, value) === null ? { $ne: null } : { $nin: [value, null] }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return comparePiece(field, operator, value)
    case 'in':
      return inPiece(field, value)
    case 'like':
      return likePiece(field, value)
    case 'isNull':
      return isNullPiece(field, value)
  }
}

/** The pieces of one field's condition; `undefined` values are left out, as SQL CRUD does. */
function piecesFor(field: string, condition: unknown): Piece[] {
  if (condition === undefined) return []
  if (!isPlainObject(condition)) return [pieceFor(field, 'eq', condition)]
  return Object.entries(condition).flatMap(([operator, value]) => {
    if (!isOperator(operator)) {
      throw invalid(
        `Filter on "${field}" uses unknown operator "${operator}": use one of ${FILTER_OPERATORS.join(', ')}.`,
        { field, operator },
      )
    }
    return value === undefined ? [] : [pieceFor(field, operator, value)]
  })
}

/** Merges pieces into as few condition objects as possible (two `$eq`s cannot share one). */
function mergePieces(pieces: readonly Piece[]): Piece[] {
  const merged: Record<string, unknown>[] = []
  for (const piece of pieces) {
    const target = merged.find((m) => Object.keys(piece).every((key) => !(key in m)))
    if (target === undefined) merged.push({ ...piece })
    else Object.assign(target, piece)
  }
  return merged
}

/**
 * Translates Mega's portable filter into a Mongo query. Field names are not checked against a model
 * (CRUD does that) but can never be Mongo operators; values are always compared literally.
 * Throws `MEGA_CRUD_INVALID_QUERY` (422) naming the field and operator on anything else.
 *
 * @example
 * toMongoFilter({ status: 'open', age: { gte: 18, lt: 65 }, name: { like: 'Ann%' } })
 * // { status: { $eq: 'open' }, age: { $gte: 18, $lt: 65 },
 * //   name: { $regex: '^Ann.*(?![\\s\\S])', $options: 's' } }
 */
export function toMongoFilter<T extends object>(
  filter: ModelFilter<T> | undefined,
): Filter<Document> {
  if (filter === undefined) return {}
  if (!isPlainObject(filter)) {
    throw invalid(`A filter is an object of field → condition, got ${describe(filter)}.`, {})
  }
  const fields: [string, unknown][] = []
  const and: Piece[] = []
  for (const [field, condition] of Object.entries(filter)) {
    checkField(field)
    const merged = mergePieces(piecesFor(field, condition))
    if (merged.length === 0) continue
    if (merged.length === 1) fields.push([field, merged[0]])
    else and.push(...merged.map((piece) => Object.fromEntries([[field, piece]])))
  }
  const query: Record<string, unknown> = Object.fromEntries(fields)
  if (and.length > 0) query['$and'] = and
  return query
}

/**
 * Translates a sort spec (`['-createdAt', 'name']`) into the driver's ordered sort (a Map, so the
 * order holds for any field name). Throws `MEGA_CRUD_INVALID_QUERY` on an empty, operator-like or
 * repeated field.
 *
 * @example
 * collection.find(query).sort(toMongoSort(['-createdAt', 'name']))
 */
export function toMongoSort(sort: SortSpec | undefined): Map<string, 1 | -1> {
  const order = new Map<string, 1 | -1>()
  if (sort === undefined) return order
  if (!Array.isArray(sort)) {
    throw invalid(
      `A sort is an array of field names (-field for descending), got ${describe(sort)}.`,
      {},
    )
  }
  for (const entry of sort) {
    if (typeof entry !== 'string') {
      throw invalid(`A sort entry is a field name, got ${describe(entry)}.`, {})
    }
    const field = entry.startsWith('-') ? entry.slice(1) : entry
    checkField(field)
    if (order.has(field))
      throw invalid(`Sort names "${field}" twice: name each field once.`, { field })
    order.set(field, entry.startsWith('-') ? -1 : 1)
  }
  return order
}
