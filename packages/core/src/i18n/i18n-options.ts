import { z } from 'zod'

/** Where a request's locale can come from, in the order given by the `detect` option. */
export const LOCALE_SOURCES = ['query', 'cookie', 'header'] as const

/** One of {@link LOCALE_SOURCES}: `?lang=`, a `lang` cookie, or `Accept-Language`. */
export type LocaleSource = (typeof LOCALE_SOURCES)[number]

/** Whether `tag` is a well-formed BCP 47 language tag (`en`, `fr-CA`, `zh-Hant-TW`). */
export function isLocaleTag(tag: string): boolean {
  if (!/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(tag)) return false
  try {
    return Intl.getCanonicalLocales(tag).length === 1
  } catch {
    return false
  }
}

const localeTag = z.string().refine(isLocaleTag, 'a BCP 47 language tag such as "en" or "fr-CA"')

const unique = (list: readonly string[]) =>
  new Set(list.map((s) => s.toLowerCase())).size === list.length

/** The query parameter and the cookie that name the locale unless `queryParam`/`cookieName` say otherwise. */
export const DEFAULT_LOCALE_PARAM = 'lang'

/** Validates {@link I18nOptions} (typed against it: a field the two disagree on fails to compile). */
export const i18nOptionsSchema = z
  .object({
    defaultLocale: localeTag,
    locales: z
      .array(localeTag)
      .min(1, 'list at least the default locale')
      .refine(unique, 'each locale once')
      .optional(),
    dir: z.string().min(1, 'a directory such as "locales"').optional(),
    catalogs: z.record(z.string(), z.unknown()).optional(),
    detect: z
      .array(z.enum(LOCALE_SOURCES))
      .refine(unique, 'each source once')
      .default([...LOCALE_SOURCES]),
    queryParam: z
      .string()
      .min(1, 'a query parameter name such as "lang"')
      .default(DEFAULT_LOCALE_PARAM),
    cookieName: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a cookie name is a token: letters, digits, -._')
      .default(DEFAULT_LOCALE_PARAM),
    strict: z.boolean().default(false),
  })
  .strict()
  .refine((o) => (o.dir === undefined) !== (o.catalogs === undefined), {
    message: 'give exactly one of dir (JSON files) and catalogs (inline)',
    path: ['dir'],
  })
  .refine((o) => o.locales === undefined || o.locales.includes(o.defaultLocale), {
    message: 'locales must include defaultLocale (spelt the same)',
    path: ['locales'],
  }) satisfies z.ZodType<unknown, I18nOptions>

/** Options of {@link i18n}. Validated at once: a bad option is `MEGA_CONFIG_INVALID` listing each. */
export interface I18nOptions {
  /** The locale of requests that ask for none we serve, and the last fallback of every message. */
  readonly defaultLocale: string
  /**
   * The locales served (BCP 47 tags; must include `defaultLocale`).
   * @default the catalogues found: the keys of `catalogs`, or the `<locale>.json` files in `dir`
   */
  readonly locales?: readonly string[]
  /**
   * A directory of `<locale>.json` catalogues, read once at setup; relative to `process.cwd()` (the
   * project root under `mega start`). Give `dir` or `catalogs`.
   */
  readonly dir?: string
  /** The catalogues inline, by locale (`{ en: { greeting: 'Hello, {name}!' } }`), checked at once. */
  readonly catalogs?: Readonly<Record<string, unknown>>
  /** Where the locale comes from, first match wins. @default ['query', 'cookie', 'header'] */
  readonly detect?: readonly LocaleSource[]
  /** The query parameter naming the locale. @default 'lang' */
  readonly queryParam?: string
  /** The cookie naming the locale. @default 'lang' */
  readonly cookieName?: string
  /**
   * A key found in no catalogue throws `MEGA_I18N_MISSING_KEY` instead of answering with the key and
   * logging a warning; e.g. `strict: process.env.NODE_ENV === 'test'`. @default false
   */
  readonly strict?: boolean
}

/** The validated options. */
export type ResolvedI18nOptions = z.output<typeof i18nOptionsSchema>
