import type { MegaError, MegaIssue } from '@mega/observe'
import { dbError } from '../errors.js'
import type { AnyModel } from '../model/define-model.js'
import { ownProperty } from '../model/own-property.js'
import { FILTER_OPERATORS, type FilterOperator } from './filter-types.js'

/** One validated condition: a declared field, a known operator, a value the column accepts. */
export interface Condition {
  readonly field: string
  readonly op: FilterOperator
  readonly value: unknown
}

/** One validated sort key. */
export interface SortKey {
  readonly field: string
  readonly desc: boolean
}

const MAX_IN = 1000
const LIKE_TYPES = new Set(['string', 'text', 'enum'])

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !(value instanceof Date) && !Array.isArray(value)
  )
}

function checkValue(
  model: AnyModel,
  field: string,
  op: FilterOperator,
  value: unknown,
  issues: MegaIssue[],
): void {
  const path = `filter.${field}.${op}`
  const spec = ownProperty(model.columns, field)
  const schema = ownProperty(model.schemas.fields, field)
  if (spec === undefined || schema === undefined) return
  if (op === 'isNull') {
    if (typeof value !== 'boolean') issues.push({ path, message: 'isNull takes true or false' })
    return
  }
  if (op === 'like') {
    if (!LIKE_TYPES.has(spec.type))
      issues.push({ path, message: `like works on text columns; "${field}" is ${spec.type}` })
    else if (typeof value !== 'string')
      issues.push({ path, message: 'like takes a string pattern' })
    return
  }
  const values = op === 'in' ? value : [value]
  if (!Array.isArray(values) || values.length > MAX_IN) {
    issues.push({ path, message: `in takes an array of at most ${MAX_IN} values` })
    return
  }
  for (const v of values) {
    if (v === null && (op === 'eq' || op === 'ne')) continue
    const result = schema.safeParse(v)
    if (!result.success)
      issues.push({
        path,
        message: `${JSON.stringify(v)} is not a valid ${field}: ${result.error.issues[0]?.message ?? ''}`,
      })
  }
}

function parseField(
  model: AnyModel,
  field: string,
  raw: unknown,
  issues: MegaIssue[],
  out: Condition[],
): void {
  const spec = ownProperty(model.columns, field)
  if (spec === undefined) {
    issues.push({
      path: `filter.${field}`,
      // The model's column list is left out: it reaches clients (and names columns such as a
      // password hash that the app never exposes).
      message: `unknown field "${field}": filter on a column of the model`,
    })
    return
  }
  if (spec.type === 'json') {
    issues.push({ path: `filter.${field}`, message: 'json columns cannot be filtered' })
    return
  }
  const entries: [string, unknown][] = isOperatorObject(raw) ? Object.entries(raw) : [['eq', raw]]
  for (const [op, value] of entries) {
    if (!(FILTER_OPERATORS as readonly string[]).includes(op)) {
      issues.push({
        path: `filter.${field}.${op}`,
        message: `unknown operator "${op}": use ${FILTER_OPERATORS.join(', ')}`,
      })
      continue
    }
    if (value === undefined) continue
    checkValue(model, field, op as FilterOperator, value, issues)
    out.push({ field, op: op as FilterOperator, value })
  }
}

function invalid(issues: MegaIssue[]): Error {
  return dbError(
    'MEGA_CRUD_INVALID_QUERY',
    `Invalid query: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { issues },
  )
}

/** Validates a filter against the model; unknown fields or operators and invalid values are a 422. */
export function parseFilter(model: AnyModel, filter: unknown): Condition[] {
  if (filter === undefined) return []
  if (!isOperatorObject(filter))
    throw invalid([{ path: 'filter', message: 'a filter is an object of field → condition' }])
  const issues: MegaIssue[] = []
  const out: Condition[] = []
  for (const [field, raw] of Object.entries(filter))
    if (raw !== undefined) parseField(model, field, raw, issues, out)
  if (issues.length > 0) throw invalid(issues)
  return out
}

/** Validates a sort (declared columns only, `-field` descending); the primary key breaks ties. */
export function parseSort(model: AnyModel, sort: unknown): SortKey[] {
  if (sort === undefined) return [{ field: model.primaryKey, desc: false }]
  const list = typeof sort === 'string' ? sort.split(',') : sort
  if (!Array.isArray(list))
    throw invalid([
      { path: 'sort', message: 'sort is a list of field names, "-field" for descending' },
    ])
  const issues: MegaIssue[] = []
  const keys: SortKey[] = []
  list.forEach((raw: unknown, i) => {
    const text = typeof raw === 'string' ? raw.trim() : ''
    const field = text.replace(/^-/, '')
    const spec = ownProperty(model.columns, field)
    if (spec === undefined || spec.type === 'json')
      issues.push({
        path: `sort[${i}]`,
        message: `cannot sort by "${String(raw)}": use a declared, non-json column`,
      })
    else keys.push({ field, desc: text.startsWith('-') })
  })
  if (issues.length > 0) throw invalid(issues)
  if (!keys.some((k) => k.field === model.primaryKey))
    keys.push({ field: model.primaryKey, desc: keys.at(-1)?.desc ?? false })
  return keys
}

/** The paging limits of one CRUD instance (from its options). */
export interface PagingLimits {
  readonly defaultPerPage: number
  readonly maxPerPage: number
}

/**
 * Validates a page and a page size: integers, page ≥ 1, 1 ≤ size ≤ maxPerPage. The size is
 * `perPage` for `list` and `limit` for `listByCursor` (`sizeName`, the path its issue names).
 */
export function parsePaging(
  page: unknown,
  size: unknown,
  limits: PagingLimits,
  sizeName: 'perPage' | 'limit' = 'perPage',
): { page: number; perPage: number } {
  const p = page ?? 1
  const pp = size ?? limits.defaultPerPage
  const issues: MegaIssue[] = []
  if (!Number.isInteger(p) || (p as number) < 1)
    issues.push({ path: 'page', message: 'page is an integer from 1' })
  if (!Number.isInteger(pp) || (pp as number) < 1 || (pp as number) > limits.maxPerPage)
    issues.push({
      path: sizeName,
      message: `${sizeName} is an integer from 1 to ${limits.maxPerPage}`,
    })
  if (issues.length > 0) throw invalid(issues)
  return { page: p as number, perPage: pp as number }
}

/**
 * MEGA_CRUD_NOT_FOUND (404). The message names no table (it reaches clients); `details.table` keeps
 * it for logs (the core error mapper leaves 4xx details out of production answers).
 */
export function notFound(model: AnyModel, id: unknown): MegaError {
  return dbError('MEGA_CRUD_NOT_FOUND', `No record with id ${JSON.stringify(id)}: check the id.`, {
    details: { table: model.table, id },
  })
}

export { invalid as invalidQuery }
