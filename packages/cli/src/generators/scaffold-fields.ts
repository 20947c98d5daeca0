// The `field:type` arguments of `mega scaffold`: parsed and checked all at once, before any file is
// written, and turned into `col.*` expressions and sample values for the generated tests.
import type { MegaIssue } from '@mega/observe'
import { cliError } from '../errors.js'
import { toPascal } from '../internal/names.js'
import { didYouMean } from '../internal/suggest.js'
import { SCAFFOLD_FIELD_TYPES, type ScaffoldFieldType } from '../options.js'

/** One parsed `name:type` argument. */
export interface ScaffoldField {
  readonly name: string
  readonly type: ScaffoldFieldType
  readonly nullable: boolean
  /** `enum(a|b)`: the values. */
  readonly values?: readonly string[]
  /** `references(Author)`: the model's name, PascalCase. */
  readonly target?: string
}

/** Columns the model adds itself (`col.id()` and the timestamps). */
export const RESERVED_FIELDS = ['id', 'created_at', 'updated_at', 'deleted_at'] as const

const FIELD = /^([^:]*):(.*?)(\?)?$/
const FIELD_NAME = /^[a-z][A-Za-z0-9_]{0,62}$/
const ENUM_VALUE = /^[A-Za-z0-9_-]{1,64}$/
const MODEL_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/
const CALL = /^(enum|references)\((.*)\)$/

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
  if (type === 'references') return 'references needs a model name: references(Author)'
  if ((SCAFFOLD_FIELD_TYPES as readonly string[]).includes(type))
    return { name, type: type as ScaffoldFieldType, nullable }
  const hint = didYouMean(type, SCAFFOLD_FIELD_TYPES)
  return `unknown type "${type}".${hint} Types: ${SCAFFOLD_FIELD_TYPES.join(', ')}`
}

function parseOne(arg: string): Parsed {
  const match = FIELD.exec(arg)
  if (match === null) return 'write fields as name:type, e.g. title:string'
  const [, name = '', type = '', optional] = match
  if (!FIELD_NAME.test(name))
    return `"${name}" is not a column name: start with a lowercase letter, then letters, digits or _`
  if ((RESERVED_FIELDS as readonly string[]).includes(name))
    return `"${name}" is added by the model itself: pick another name`
  return parseType(name, type, optional === '?')
}

/**
 * Parses `title:string`, `body:text?`, `status:enum(draft|published)`, `author:references(User)`.
 * Every bad argument is reported at once in one `MEGA_CLI_INVALID_ARGUMENT` (exit 2), one issue each.
 *
 * @example
 * parseScaffoldFields(['title:string', 'body:text?']) // [{ name: 'title', type: 'string', nullable: false }, ...]
 */
export function parseScaffoldFields(args: readonly string[]): ScaffoldField[] {
  const issues: MegaIssue[] = []
  const fields: ScaffoldField[] = []
  for (const arg of args) {
    const parsed = parseOne(arg)
    if (typeof parsed === 'string') issues.push({ path: arg, message: parsed })
    else if (fields.some((f) => f.name === parsed.name))
      issues.push({ path: arg, message: `"${parsed.name}" is given twice` })
    else fields.push(parsed)
  }
  if (args.length === 0)
    issues.push({ path: '<fields>', message: 'give at least one field, e.g. title:string' })
  if (issues.length > 0) throw scaffoldArgumentsError(issues)
  return fields
}

/**
 * `MEGA_CLI_INVALID_ARGUMENT` for bad scaffold arguments: one problem is the message itself; several
 * are listed as issues (printed one a line).
 */
export function scaffoldArgumentsError(issues: readonly MegaIssue[]) {
  const [first] = issues
  if (issues.length === 1 && first !== undefined)
    return cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega scaffold: ${first.path}: ${first.message}. Nothing was written.`,
    )
  return cliError(
    'MEGA_CLI_INVALID_ARGUMENT',
    `mega scaffold: ${issues.length} arguments are wrong; nothing was written:`,
    { issues },
  )
}

const q = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

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
  return `${base[field.type]}${field.nullable ? '.nullable()' : ''}`
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
