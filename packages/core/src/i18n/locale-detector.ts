import type { FastifyRequest } from 'fastify'
import type { LocaleSource } from './i18n-options.js'

/** At most this many `Accept-Language` entries are read (a browser sends a handful). */
const MAX_LANGUAGE_RANGES = 32

const RANGE = /^(\*|[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*)$/
const QUALITY = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i

/**
 * The language ranges of an `Accept-Language` header, most wanted first (RFC 9110 q-values, ties in
 * the header's order); ranges with `q=0` and malformed entries are dropped.
 *
 * @example parseAcceptLanguage('fr-CA, en;q=0.8, de;q=0') // ['fr-CA', 'en']
 */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (header === undefined || header === '') return []
  const ranges: { tag: string; q: number; at: number }[] = []
  for (const [at, part] of header.split(',').slice(0, MAX_LANGUAGE_RANGES).entries()) {
    const [tag = '', ...params] = part.split(';').map((s) => s.trim())
    if (!RANGE.test(tag)) continue
    const qParam = params.find((p) => /^q=/i.test(p))
    const q = qParam === undefined ? 1 : QUALITY.test(qParam) ? Number(qParam.slice(2)) : NaN
    if (q > 0) ranges.push({ tag, q, at })
  }
  return ranges.sort((a, b) => b.q - a.q || a.at - b.at).map((r) => r.tag)
}

/** The value of one cookie in a `Cookie` header, without parsing the others. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue
    const raw = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
    try {
      return decodeURIComponent(raw)
    } catch {
      return raw
    }
  }
  return undefined
}

/**
 * Matches a requested tag to a served locale, ignoring case: the exact locale (`fr-CA`), else its
 * language (`fr-CA` → `fr`), else another region of that language (`pt` → `pt-BR`).
 */
export class LocaleMatcher {
  readonly #exact = new Map<string, string>()
  readonly #byLanguage = new Map<string, string>()

  constructor(locales: readonly string[]) {
    for (const locale of locales) {
      const lower = locale.toLowerCase()
      this.#exact.set(lower, locale)
      const language = lower.split('-')[0] ?? lower
      if (!this.#byLanguage.has(language) || language === lower)
        this.#byLanguage.set(language, locale)
    }
  }

  match(tag: string): string | undefined {
    const lower = tag.trim().replace(/_/g, '-').toLowerCase()
    return this.#exact.get(lower) ?? this.#byLanguage.get(lower.split('-')[0] ?? lower)
  }
}

function queryValue(request: FastifyRequest, name: string): string | undefined {
  const query = request.query as Record<string, unknown> | null | undefined
  const value = query?.[name]
  const first: unknown = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : undefined
}

/** What {@link createLocaleDetector} needs. */
export interface DetectorConfig {
  readonly locales: readonly string[]
  readonly defaultLocale: string
  readonly detect: readonly LocaleSource[]
  readonly queryParam: string
  readonly cookieName: string
}

/** Returns `(request) => locale`: the first source that names a served locale, else the default. */
export function createLocaleDetector(c: DetectorConfig): (request: FastifyRequest) => string {
  const matcher = new LocaleMatcher(c.locales)
  const fromHeader = (header: string | string[] | undefined) => {
    for (const tag of parseAcceptLanguage(
      typeof header === 'string' ? header : header?.join(','),
    )) {
      const locale = tag === '*' ? c.defaultLocale : matcher.match(tag)
      if (locale !== undefined) return locale
    }
    return undefined
  }
  const sources: Record<LocaleSource, (request: FastifyRequest) => string | undefined> = {
    query: (request) => {
      const tag = queryValue(request, c.queryParam)
      return tag === undefined ? undefined : matcher.match(tag)
    },
    cookie: (request) => {
      const tag = cookieValue(request.headers.cookie, c.cookieName)
      return tag === undefined ? undefined : matcher.match(tag)
    },
    header: (request) => fromHeader(request.headers['accept-language']),
  }
  const order = c.detect.map((source) => sources[source])
  return (request) => {
    for (const detect of order) {
      const locale = detect(request)
      if (locale !== undefined) return locale
    }
    return c.defaultLocale
  }
}
