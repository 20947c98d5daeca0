import { interpolate, type Message, type ParamValue } from './catalog.js'
import type { LoadedCatalogs } from './load-catalogs.js'
import { CORE_ERRORS } from '../errors.js'

/** Values for a message's `{placeholders}`; `count` also picks the plural form. */
export type TranslateParams = Readonly<Record<string, ParamValue>>

/** `t(key, params?)`: the message for a dotted key in the request's locale. */
export type Translate = (key: string, params?: TranslateParams) => string

/** The translations of one request (`ctx.i18n`), with the `i18n()` plugin. */
export interface RequestI18n {
  /** The locale resolved for the request (also sent as `content-language`). */
  readonly locale: string
  /** Translates a key; safe to destructure (`const { t } = ctx`). */
  readonly t: Translate
  /** Formats a number for the locale (`Intl.NumberFormat`). */
  number(value: number | bigint, options?: Intl.NumberFormatOptions): string
  /** Formats a date for the locale (`Intl.DateTimeFormat`). */
  date(value: Date | number, options?: Intl.DateTimeFormatOptions): string
}

/** How many distinct missing keys are warned about (dynamic keys must not grow memory forever). */
const MAX_WARNED = 1000

/** What a {@link Translator} needs. */
export interface TranslatorConfig {
  readonly loaded: LoadedCatalogs
  readonly defaultLocale: string
  readonly strict: boolean
  /** Called once per missing (locale, key). */
  readonly warn: (fields: Record<string, unknown>, message: string) => void
}

/** The locale, its served parents (`zh-Hant-TW` → `zh-Hant` → `zh`), then the default. */
function chainOf(locale: string, served: readonly string[], defaultLocale: string): string[] {
  const chain: string[] = []
  const parts = locale.split('-')
  for (let n = parts.length; n > 0; n--) {
    const tag = parts.slice(0, n).join('-').toLowerCase()
    const hit = served.find((l) => l.toLowerCase() === tag)
    if (hit !== undefined && !chain.includes(hit)) chain.push(hit)
  }
  if (!chain.includes(defaultLocale)) chain.push(defaultLocale)
  return chain
}

/** Looks messages up through each locale's fallback chain; one per plugin, shared by requests. */
export class Translator {
  readonly #c: TranslatorConfig
  readonly #chains = new Map<string, readonly string[]>()
  readonly #plurals = new Map<string, Intl.PluralRules>()
  readonly #numbers = new Map<string, Intl.NumberFormat>()
  readonly #requests = new Map<string, RequestI18n>()
  readonly #warned = new Set<string>()

  constructor(config: TranslatorConfig) {
    this.#c = config
    for (const locale of config.loaded.locales) {
      this.#chains.set(locale, chainOf(locale, config.loaded.locales, config.defaultLocale))
      this.#plurals.set(locale, new Intl.PluralRules(locale))
      this.#requests.set(locale, this.#forLocale(locale))
    }
  }

  /** The shared, immutable `ctx.i18n` of a served locale (no allocation per request). */
  forLocale(locale: string): RequestI18n {
    const found = this.#requests.get(locale)
    if (found === undefined) throw new Error(`i18n: "${locale}" is not a served locale`)
    return found
  }

  /** The message for `key`, falling back along the chain, then to the key itself (or throwing). */
  translate(locale: string, key: string, params?: TranslateParams): string {
    const chain = this.#chains.get(locale) ?? [this.#c.defaultLocale]
    for (const [i, candidate] of chain.entries()) {
      const message = this.#c.loaded.catalogs.get(candidate)?.get(key)
      if (message === undefined) continue
      if (candidate === this.#c.defaultLocale && i > 0)
        this.#missing(locale, key, undefined, candidate)
      return this.#format(candidate, message, params)
    }
    if (this.#c.strict)
      throw CORE_ERRORS.create('MEGA_I18N_MISSING_KEY', [key, chain, this.#c.defaultLocale], {
        details: { key, locale },
      })
    this.#missing(locale, key, chain.join(', '))
    return key
  }

  /** The translated message of an error code (`errors.<CODE>`), or `undefined` when there is none. */
  errorMessage(locale: string, code: string, params: TranslateParams): string | undefined {
    const key = `errors.${code}`
    for (const candidate of this.#chains.get(locale) ?? []) {
      const message = this.#c.loaded.catalogs.get(candidate)?.get(key)
      if (message !== undefined) return this.#format(candidate, message, params)
    }
    return undefined
  }

  #format(locale: string, message: Message, params: TranslateParams | undefined): string {
    if (typeof message === 'string') return interpolate(message, params)
    const count = params?.count
    let form: string | undefined
    if (typeof count === 'number' || typeof count === 'bigint') {
      form = count === 0 || count === 0n ? message.zero : undefined
      form ??= message[this.#plurals.get(locale)?.select(Number(count)) ?? 'other']
    }
    return interpolate(form ?? message.other, params)
  }

  #missing(locale: string, key: string, searched?: string, usedLocale?: string): void {
    const id = `${locale}\u0000${key}`
    if (this.#warned.has(id) || this.#warned.size >= MAX_WARNED) return
    this.#warned.add(id)
    this.#c.warn(
      { locale, key, ...(usedLocale === undefined ? {} : { usedLocale }) },
      usedLocale === undefined
        ? `i18n: no message "${key}" in ${searched ?? locale}; answered with the key`
        : `i18n: no message "${key}" for ${locale}; used ${usedLocale}`,
    )
  }

  #forLocale(locale: string): RequestI18n {
    const numbers = this.#numbers
    return Object.freeze({
      locale,
      t: (key: string, params?: TranslateParams) => this.translate(locale, key, params),
      number(value: number | bigint, options?: Intl.NumberFormatOptions): string {
        if (options !== undefined) return new Intl.NumberFormat(locale, options).format(value)
        let format = numbers.get(locale)
        if (format === undefined) numbers.set(locale, (format = new Intl.NumberFormat(locale)))
        return format.format(value)
      },
      date(value: Date | number, options?: Intl.DateTimeFormatOptions): string {
        return new Intl.DateTimeFormat(locale, options).format(value)
      },
    })
  }
}
