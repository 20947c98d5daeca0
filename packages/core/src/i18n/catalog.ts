import { type MegaError, type MegaIssue } from '@mega/observe'
import { CORE_ERRORS } from '../errors.js'

/** The plural categories of `Intl.PluralRules`; `zero` also serves a count of 0 in any language. */
export const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const

/** One of {@link PLURAL_CATEGORIES}. */
export type PluralCategory = (typeof PLURAL_CATEGORIES)[number]

/** A message with plural forms, chosen by `params.count`; `other` is required. */
export type PluralMessage = Readonly<Partial<Record<PluralCategory, string>>> & {
  readonly other: string
}

/** A message: a string, or its plural forms. */
export type Message = string | PluralMessage

/** One locale's messages by dotted key (`users.greeting`). */
export type Catalog = ReadonlyMap<string, Message>

const PLACEHOLDER = /\{([A-Za-z_$][\w$]*)\}/g

/** The placeholder names a message uses, over all its plural forms. */
export function placeholders(message: Message): Set<string> {
  const names = new Set<string>()
  const forms = typeof message === 'string' ? [message] : Object.values(message)
  for (const form of forms) for (const m of form.matchAll(PLACEHOLDER)) names.add(m[1] ?? '')
  return names
}

/** A value for a `{placeholder}`. */
export type ParamValue = string | number | bigint | boolean | null | undefined

/** Replaces `{name}` with `params.name`; a placeholder without a value stays as written. */
export function interpolate(
  text: string,
  params: Readonly<Record<string, ParamValue>> | undefined,
): string {
  if (params === undefined || !text.includes('{')) return text
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name]
    return value === undefined || value === null ? whole : String(value)
  })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
}

const isCategory = (key: string) => (PLURAL_CATEGORIES as readonly string[]).includes(key)

/** Flattens one locale's JSON into dotted keys, adding a problem per bad leaf. */
export function compileCatalog(locale: string, json: unknown, problems: MegaIssue[]): Catalog {
  const out = new Map<string, Message>()
  if (!isRecord(json)) {
    problems.push({ path: locale, message: `the catalogue is ${describe(json)}: give an object` })
    return out
  }
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix === '' ? key : `${prefix}.${key}`
      if (typeof value === 'string') out.set(path, value)
      else if (
        isRecord(value) &&
        Object.keys(value).length > 0 &&
        Object.keys(value).every(isCategory)
      )
        addPlural(path, value)
      else if (isRecord(value)) walk(value, path)
      else
        problems.push({
          path: `${locale}.${path}`,
          message: `is ${describe(value)}: a message is a string, plural forms or nested keys`,
        })
    }
  }
  const addPlural = (path: string, forms: Record<string, unknown>): void => {
    const bad = Object.entries(forms).filter(([, v]) => typeof v !== 'string')
    for (const [form, v] of bad)
      problems.push({
        path: `${locale}.${path}.${form}`,
        message: `is ${describe(v)}: a plural form is a string`,
      })
    if (forms.other === undefined)
      problems.push({
        path: `${locale}.${path}`,
        message: 'plural forms need "other" (used when no other form applies)',
      })
    if (bad.length === 0 && forms.other !== undefined) out.set(path, forms as PluralMessage)
  }
  walk(json, '')
  return out
}

/**
 * Checks every locale against the default one: a placeholder a message uses must be in the default
 * locale's message for that key (`{count}` is always allowed in plural messages).
 */
export function checkPlaceholders(
  catalogs: ReadonlyMap<string, Catalog>,
  defaultLocale: string,
  problems: MegaIssue[],
): void {
  const base = catalogs.get(defaultLocale)
  if (base === undefined) return
  for (const [locale, catalog] of catalogs) {
    if (locale === defaultLocale) continue
    for (const [key, message] of catalog) {
      const reference = base.get(key)
      if (reference === undefined) continue
      const known = placeholders(reference)
      if (typeof message !== 'string' || typeof reference !== 'string') known.add('count')
      const extra = [...placeholders(message)].filter((p) => !known.has(p))
      if (extra.length > 0)
        problems.push({
          path: `${locale}.${key}`,
          message: `uses ${extra.map((p) => `{${p}}`).join(', ')}, which the ${defaultLocale} message does not have`,
        })
    }
  }
}

/** The one error for every catalogue problem found at setup. */
export function invalidCatalogs(problems: readonly MegaIssue[]): MegaError {
  return CORE_ERRORS.create('MEGA_I18N_INVALID_CATALOG', [problems], { issues: problems })
}
