// The `name:type[?][:modifier...]` arguments of `mega scaffold` and `mega generate model`: parsed
// and checked all at once, before any file is written, and turned into `col.*` expressions and
// sample values for the generated tests.
import type { MegaIssue } from '@mega/observe'
import { cliError } from '../errors.js'
import { toPascal } from '../internal/names.js'
import { didYouMean } from '../internal/suggest.js'
import { SCAFFOLD_FIELD_TYPES, type ScaffoldFieldType } from '../options.js'

/** One parsed `name:type[?][:modifier...]` argument. */
export interface ScaffoldField {
  /** The column name: a reference's gets `_id` (`author:references(User)` → `author_id`). */
  readonly name: string
  readonly type: ScaffoldFieldType
  readonly nullable: boolean
  /** `enum(a|b)`: the values. */
  readonly values?: readonly string[]
  /** `references(Author)`: the model's name, PascalCase. */
  readonly target?: string
  /** `:unique`: a unique index. @default false */
  readonly unique?: boolean
  /** `:index`: a plain index (references always get one, unless unique). @default false */
  readonly index?: boolean
  /** `:default(value)`: the TypeScript source of the value, checked for the type (`'draft'`, `0`). */
  readonly default?: string
}

/** The modifiers a field takes after its type, declared once. */
export const FIELD_MODIFIERS = ['unique', 'index', 'default'] as const

/** Columns the model adds itself (`col.id()` and the timestamps). */
export const RESERVED_FIELDS = ['id', 'created_at', 'updated_at', 'deleted_at'] as const

const FIELD_NAME = /^[a-z][A-Za-z0-9_]{0,62}$/
const ENUM_VALUE = /^[A-Za-z0-9_-]{1,64}$/
const MODEL_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/
const CALL = /^(enum|references)\((.*)\)$/
const MODIFIER = /^([A-Za-z_]*)(?:\((.*)\))?$/s

const q = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

type Parsed = ScaffoldField | string

function parseType(name: string, type: string, nullable: boolean): Parsed {
  const call = CALL.exec(type)
  if (call !== null) {
    const [, kind, inner = ''] = call
    if (kind === 'enum') {
      const values = inner.split('|').map((v) => v.trim())
      if (values.some((v) => !ENUM_VALUE.test(v)) || new Set(values).size !== values.length)
        return 'enum values are distinct words of letters, digits, _ or -: enum(draft|published)'
      return { name, type: 'enum', nullable, values }
    }
    if (!MODEL_NAME.test(inner)) return 'references needs a model name: references(Author)'
    return { name, type: 'references', nullable, target: toPascal(inner) }
  }
  if (type === 'enum') return 'enum needs its values: enum(draft|published)'
  if (type === 'references') {
    const target = name.replace(/_id$/, '')
    return { name, type: 'references', nullable, target: toPascal(target) }
  }
  if ((SCAFFOLD_FIELD_TYPES as readonly string[]).includes(type))
    return { name, type: type as ScaffoldFieldType, nullable }
  const hint = didYouMean(type, SCAFFOLD_FIELD_TYPES)
  return `unknown type "${type}".${hint} Types: ${SCAFFOLD_FIELD_TYPES.join(', ')}`
}

/** `a:b(c:d):e` → `['a', 'b(c:d)', 'e']`: colons inside parentheses do not split. */
function splitColons(arg: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of arg) {
    if (ch === '(') depth += 1
    else if (ch === ')') depth = Math.max(0, depth - 1)
    if (ch === ':' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return parts
}

const INT32 = 2 ** 31

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text)
}

/** The TypeScript source of a `default(value)` for the field's type, or why it is refused. */
export function defaultLiteral(field: ScaffoldField, value: string): { source: string } | string {
  const now = "{ sql: 'now' }"
  switch (field.type) {
    case 'string':
      return value.length <= 255
        ? { source: q(value) }
        : 'a string default is at most 255 characters'
    case 'text':
      return { source: q(value) }
    case 'integer':
      return /^-?\d+$/.test(value) && Math.abs(Number(value)) < INT32
        ? { source: String(Number(value)) }
        : `an integer default is a whole number, e.g. default(0) (got "${value}")`
    case 'bigint':
      return /^-?\d{1,18}$/.test(value)
        ? { source: q(String(BigInt(value))) }
        : `a bigint default is a whole number, e.g. default(0) (got "${value}")`
    case 'decimal':
      return /^-?\d{1,8}(\.\d{1,2})?$/.test(value)
        ? { source: q(value) }
        : `a decimal default is a number with at most 8 digits before the point and 2 after, e.g. default(9.99) (got "${value}")`
    case 'boolean':
      return value === 'true' || value === 'false'
        ? { source: value }
        : `a boolean default is true or false (got "${value}")`
    case 'enum':
      return field.values?.includes(value) === true
        ? { source: q(value) }
        : `an enum default is one of its values: ${(field.values ?? []).join(', ')} (got "${value}")`
    case 'date':
      if (value === 'now') return { source: now }
      return isDate(value)
        ? { source: q(value) }
        : `a date default is YYYY-MM-DD or now (got "${value}")`
    case 'timestamp':
      return value === 'now'
        ? { source: now }
        : `a timestamp default is now, the time of the insert (got "${value}")`
    case 'json':
      return 'json columns take no default here: write .default(...) in the model by hand'
    case 'references':
      return 'references take no default: the row they point at is given on create'
  }
}

/** Applies the modifiers after the type; every problem is added to `issues`. */
function applyModifiers(field: ScaffoldField, modifiers: readonly string[], issues: string[]) {
  const seen = new Set<string>()
  let result: ScaffoldField = field
  for (const modifier of modifiers) {
    const match = MODIFIER.exec(modifier)
    const [, kind = '', argument] = match ?? []
    if (match === null || !(FIELD_MODIFIERS as readonly string[]).includes(kind)) {
      const hint = modifier.includes('?')
        ? ' The ? for nullable goes right after the type: bio:text?.'
        : didYouMean(kind === '' ? modifier : kind, FIELD_MODIFIERS)
      issues.push(`unknown modifier "${modifier}".${hint} Modifiers: unique, index, default(value)`)
      continue
    }
    if (seen.has(kind)) {
      issues.push(`:${kind} is given twice`)
      continue
    }
    seen.add(kind)
    if (kind === 'default') {
      if (argument === undefined) {
        issues.push('default needs its value: default(draft)')
        continue
      }
      const literal = defaultLiteral(field, argument)
      if (typeof literal === 'string') issues.push(literal)
      else result = { ...result, default: literal.source }
    } else if (argument !== undefined) issues.push(`:${kind} takes no value`)
    else result = { ...result, [kind]: true }
  }
  if (result.unique === true && result.index === true)
    issues.push(':unique already indexes the column: keep :unique or :index, not both')
  if (field.type === 'references' && result.index === true)
    issues.push('references are indexed already: drop :index')
  return result
}

function parseOne(arg: string): Parsed | string[] {
  // The ? for nullable: right after the type (canonical, `bio:text?`) or at the very end.
  const trailing = arg.endsWith('?')
  const [name = '', rawType, ...modifiers] = splitColons(trailing ? arg.slice(0, -1) : arg)
  if (rawType === undefined) return 'write fields as name:type, e.g. title:string'
  const afterType = rawType.endsWith('?')
  const type = afterType ? rawType.slice(0, -1) : rawType
  if (!FIELD_NAME.test(name))
    return `"${name}" is not a column name: start with a lowercase letter, then letters, digits or _`
  const column = /^references\b/.test(type) && !name.endsWith('_id') ? `${name}_id` : name
  if ((RESERVED_FIELDS as readonly string[]).includes(column))
    return `"${column}" is added by the model itself: pick another name`
  const issues: string[] = []
  if (afterType && trailing) issues.push('? is given twice: keep the one after the type')
  const parsed = parseType(column, type, afterType || trailing)
  if (typeof parsed === 'string') return [...issues, parsed]
  const field = applyModifiers(parsed, modifiers, issues)
  return issues.length > 0 ? issues : field
}

/**
 * Parses the fields of `mega scaffold` and `mega generate model`: `title:string`, `body:text?`,
 * `status:enum(draft|published):default(draft)`, `email:string:unique`, `author:references(User)`
 * (column `author_id`), `user:references` (target `User`). Every bad argument is reported at once in
 * one `MEGA_CLI_INVALID_ARGUMENT` (exit 2), one issue per problem.
 *
 * @example
 * parseScaffoldFields(['title:string', 'body:text?']) // [{ name: 'title', type: 'string', nullable: false }, ...]
 */
export function parseScaffoldFields(
  args: readonly string[],
  command = 'mega scaffold',
): ScaffoldField[] {
  const issues: MegaIssue[] = []
  const fields: ScaffoldField[] = []
  for (const arg of args) {
    const parsed = parseOne(arg)
    if (typeof parsed === 'string') issues.push({ path: arg, message: parsed })
    else if (Array.isArray(parsed))
      issues.push(...parsed.map((message) => ({ path: arg, message })))
    else if (fields.some((f) => f.name === parsed.name))
      issues.push({ path: arg, message: `"${parsed.name}" is given twice` })
    else fields.push(parsed)
  }
  if (args.length === 0)
    issues.push({ path: '<fields>', message: 'give at least one field, e.g. title:string' })
  if (issues.length > 0) throw scaffoldArgumentsError(issues, command)
  return fields
}

/**
 * `MEGA_CLI_INVALID_ARGUMENT` for bad scaffold arguments: one problem is the message itself; several
 * are listed as issues (printed one a line).
 */
export function scaffoldArgumentsError(issues: readonly MegaIssue[], command = 'mega scaffold') {
  const [first] = issues
  if (issues.length === 1 && first !== undefined)
    return cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `${command}: ${first.path}: ${first.message}. Nothing was written.`,
    )
  const wrong = new Set(issues.map((i) => i.path)).size
  return cliError(
    'MEGA_CLI_INVALID_ARGUMENT',
    `${command}: ${wrong} ${wrong === 1 ? 'argument is' : 'arguments are'} wrong; nothing was written:`,
    { issues },
  )
}

/** The `col.*` expression of a field. */
export function columnExpression(field: ScaffoldField): string {
  const base: Record<ScaffoldFieldType, string> = {
    string: 'col.string(255)',
    text: 'col.text()',
    integer: 'col.integer()',
    bigint: 'col.bigint()',
    decimal: 'col.decimal(10, 2)',
    boolean: 'col.boolean()',
    date: 'col.date()',
    timestamp: 'col.timestamp()',
    json: 'col.json()',
    enum: `col.enum([${(field.values ?? []).map(q).join(', ')}])`,
    references: `col.references(() => ${field.target ?? ''})`,
  }
  const index = field.index === true || (field.type === 'references' && field.unique !== true)
  return [
    base[field.type],
    field.nullable ? '.nullable()' : '',
    field.unique === true ? '.unique()' : '',
    index ? '.index()' : '',
    field.default === undefined ? '' : `.default(${field.default})`,
  ].join('')
}

/** A column as far as a sample value goes: a scaffold field, or a column spec of an existing model. */
export interface SampleColumn {
  readonly name: string
  /** A scaffold type, or a model column type (`reference` for `references`). */
  readonly type: string
  readonly values?: readonly string[]
  readonly length?: number
}

/**
 * A literal (TypeScript source) the column accepts; `variant` 1 differs from 0, for updates.
 * `undefined` for a reference (the test creates the row it points at).
 */
export function sampleLiteral(column: SampleColumn, variant: 0 | 1): string | undefined {
  const n = variant + 1
  switch (column.type) {
    case 'string':
    case 'text':
      return q(`${column.name} ${n}`.slice(0, column.length ?? 255))
    case 'integer':
      return String(n)
    case 'bigint':
    case 'decimal':
      return q(String(n))
    case 'boolean':
      return String(variant === 0)
    case 'date':
      return q(`2024-01-0${n}`)
    case 'timestamp':
      return q(`2024-01-0${n}T10:00:00.000Z`)
    case 'json':
      return `{ example: ${n} }`
    case 'enum': {
      const values = column.values ?? []
      return q(values[variant % values.length] ?? '')
    }
    default:
      return undefined
  }
}

/** Whether a value written through the API reads back equal (what the generated test compares). */
export function roundTrips(type: string): boolean {
  return ['string', 'text', 'integer', 'bigint', 'boolean', 'date', 'enum'].includes(type)
}
