import { readFile, readdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { MegaIssue } from '@mega/observe'
import { checkPlaceholders, compileCatalog, invalidCatalogs, type Catalog } from './catalog.js'
import { isLocaleTag, type ResolvedI18nOptions } from './i18n-options.js'

/** The locales served and their compiled catalogues, all checked. */
export interface LoadedCatalogs {
  readonly locales: readonly string[]
  readonly catalogs: ReadonlyMap<string, Catalog>
}

/** A locale's raw JSON, or why there is none. */
type Source = { readonly json: unknown } | { readonly problem: string }

function compileAll(
  o: ResolvedI18nOptions,
  locales: readonly string[],
  source: (locale: string) => Source,
  problems: MegaIssue[],
): LoadedCatalogs {
  if (!locales.includes(o.defaultLocale))
    problems.push({
      path: o.defaultLocale,
      message: 'no catalogue for the default locale: add one or change defaultLocale',
    })
  const catalogs = new Map<string, Catalog>()
  for (const locale of locales) {
    const s = source(locale)
    if ('problem' in s) problems.push({ path: locale, message: s.problem })
    else catalogs.set(locale, compileCatalog(locale, s.json, problems))
  }
  checkPlaceholders(catalogs, o.defaultLocale, problems)
  if (problems.length > 0) throw invalidCatalogs(problems)
  return { locales: Object.freeze([...locales]), catalogs }
}

/** Checks inline `catalogs` (at construction): `MEGA_I18N_INVALID_CATALOG` listing every problem. */
export function compileInline(
  o: ResolvedI18nOptions,
  inline: Readonly<Record<string, unknown>>,
): LoadedCatalogs {
  const problems: MegaIssue[] = []
  const given = Object.keys(inline)
  for (const key of given)
    if (!isLocaleTag(key))
      problems.push({ path: key, message: 'is not a BCP 47 language tag such as "en" or "fr-CA"' })
  const locales = o.locales ?? given.filter(isLocaleTag)
  return compileAll(
    o,
    locales,
    (locale) =>
      Object.hasOwn(inline, locale)
        ? { json: inline[locale] }
        : { problem: 'no catalogue for this locale: add it to catalogs or remove it from locales' },
    problems,
  )
}

/** Reads `<dir>/<locale>.json` for every locale (at setup), then checks them like inline ones. */
export async function loadDir(o: ResolvedI18nOptions, dirOption: string): Promise<LoadedCatalogs> {
  const dir = resolve(process.cwd(), dirOption)
  let files: string[]
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json'))
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? String(err)
    throw invalidCatalogs([
      { path: 'dir', message: `cannot read ${dir} (${why}): create it or fix dir` },
    ])
  }
  const locales =
    o.locales ??
    files
      .map((f) => f.slice(0, -5))
      .filter(isLocaleTag)
      .sort()
  const sources = new Map<string, Source>()
  await Promise.all(
    locales.map(async (locale) => {
      const file = resolve(dir, `${locale}.json`)
      if (!files.includes(`${locale}.json`)) {
        sources.set(locale, {
          problem: `no file ${file}: add it or remove "${locale}" from locales`,
        })
        return
      }
      try {
        sources.set(locale, { json: JSON.parse(await readFile(file, 'utf8')) as unknown })
      } catch (err) {
        sources.set(locale, { problem: `${file} is not valid JSON: ${(err as Error).message}` })
      }
    }),
  )
  return compileAll(o, locales, (locale) => sources.get(locale) ?? { problem: 'not read' }, [])
}
