import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { MegaError } from '@mega/observe'
import {
  CORE_ERROR_CODES,
  NotFoundError,
  TooManyRequestsError,
  UnauthorizedError,
  createApp,
  definePlugin,
  defineRoutes,
  i18n,
  type FailureEnvelope,
  type I18nOptions,
  type MegaIssue,
  type MegaServer,
} from '../src/index.js'
import { parseAcceptLanguage } from '../src/i18n/locale-detector.js'
import { trackServers } from './helpers/track-servers.js'

const track = trackServers()
const dirs: string[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

const catalogs = {
  en: {
    greeting: 'Hello, {name}!',
    cart: { items: { one: '{count} item', other: '{count} items' } },
    onlyEnglish: 'Only in English',
    errors: {
      MEGA_VALIDATION_FAILED: 'Validation failed ({count} problems).',
      MEGA_RATE_LIMITED: 'Slow down: retry in {retryAfterS} s.',
    },
  },
  fr: {
    greeting: 'Bonjour, {name} !',
    cart: { items: { one: '{count} article', other: '{count} articles' } },
    errors: {
      MEGA_VALIDATION_FAILED: 'La validation a échoué : corrigez les {count} champs indiqués.',
      MEGA_ROUTE_NOT_FOUND: 'Aucune route ici.',
      MEGA_NOT_FOUND: 'Introuvable : {message}',
      MEGA_RATE_LIMITED: 'Doucement : réessayez dans {retryAfterS} s.',
    },
  },
  'fr-CA': { greeting: 'Allô, {name}!' },
  pl: {
    greeting: 'Cześć, {name}!',
    cart: {
      items: {
        one: '{count} plik',
        few: '{count} pliki',
        many: '{count} plików',
        other: '{count} pliku',
      },
    },
  },
  ru: {
    cart: {
      items: {
        one: '{count} файл',
        few: '{count} файла',
        many: '{count} файлов',
        other: '{count} файла',
      },
    },
  },
}

const routes = defineRoutes((r) => {
  r.get('/hello', (ctx) => ({ locale: ctx.locale, text: ctx.t('greeting', { name: 'Ada' }) }))
  r.get(
    '/t/:key',
    {
      schema: {
        params: z.object({ key: z.string() }),
        query: z.object({ count: z.coerce.number().optional(), lang: z.string().optional() }),
      },
    },
    (ctx) => {
      const { t } = ctx // destructured: still bound to the request's locale
      return t(
        ctx.params.key,
        ctx.query.count === undefined ? undefined : { count: ctx.query.count },
      )
    },
  )
  r.get('/format', (ctx) => ({
    number: ctx.i18n.number(1234567.5),
    money: ctx.i18n.number(12.5, { style: 'currency', currency: 'EUR' }),
    date: ctx.i18n.date(Date.UTC(2024, 0, 2), { dateStyle: 'long', timeZone: 'UTC' }),
  }))
  r.post(
    '/users',
    { schema: { body: z.object({ email: z.email(), age: z.number().int() }) } },
    () => 'created',
  )
  r.get('/missing/:id', () => {
    throw new NotFoundError('No user 7.')
  })
  r.get('/busy', () => {
    throw new TooManyRequestsError(undefined, { details: { retryAfterS: 30 } })
  })
  r.get('/custom', (ctx) => {
    void ctx.reply.header('content-language', 'x-custom')
    return 'mine'
  })
})

function app(options: Partial<I18nOptions> = {}, extra: { logger?: pino.Logger } = {}): MegaServer {
  return track(
    createApp({
      routes,
      ...extra,
      plugins: [i18n({ defaultLocale: 'en', catalogs, ...options })],
    }),
  )
}

async function localeOf(
  server: MegaServer,
  init: { url?: string; headers?: Record<string, string> },
) {
  const res = await server.inject({ url: init.url ?? '/hello', headers: init.headers ?? {} })
  return res.json<{ data: { locale: string } }>().data.locale
}

async function problemsOf(run: () => unknown): Promise<MegaError> {
  try {
    await run()
  } catch (err) {
    if (!MegaError.is(err)) throw err
    return err
  }
  throw new Error('expected a MegaError')
}

describe('i18n: locale detection', () => {
  it('takes ?lang= first, then the lang cookie, then Accept-Language, then the default', async () => {
    const server = app()
    const all = { cookie: 'other=1; lang=pl', 'accept-language': 'ru' }
    expect(await localeOf(server, { url: '/hello?lang=fr', headers: all })).toBe('fr')
    expect(await localeOf(server, { headers: all })).toBe('pl')
    expect(await localeOf(server, { headers: { 'accept-language': 'ru' } })).toBe('ru')
    expect(await localeOf(server, {})).toBe('en')
    // a source naming a locale not served falls through to the next one
    expect(
      await localeOf(server, {
        url: '/hello?lang=xx',
        headers: { cookie: 'lang=de', 'accept-language': 'fr' },
      }),
    ).toBe('fr')
  })

  it('follows the detect order, queryParam and cookieName options', async () => {
    const server = app({
      detect: ['header', 'cookie'],
      queryParam: 'locale',
      cookieName: 'ui_lang',
    })
    expect(
      await localeOf(server, {
        url: '/hello?lang=fr&locale=pl',
        headers: { 'accept-language': 'ru', cookie: 'ui_lang=pl' },
      }),
    ).toBe('ru')
    expect(
      await localeOf(server, {
        url: '/hello?locale=pl',
        headers: { cookie: 'lang=fr; ui_lang=pl' },
      }),
    ).toBe('pl')
    expect(await localeOf(server, { url: '/hello?locale=pl' })).toBe('en') // query not in detect
    const none = app({ detect: [] })
    expect(
      await localeOf(none, { url: '/hello?lang=fr', headers: { 'accept-language': 'fr' } }),
    ).toBe('en')
  })

  it('reads Accept-Language by q-value, with language-only and case-insensitive matches', async () => {
    const server = app()
    const by = (header: string) => localeOf(server, { headers: { 'accept-language': header } })
    expect(await by('de;q=0.9, pl;q=0.5, fr;q=0.8')).toBe('fr')
    expect(await by('fr-BE, en;q=0.9')).toBe('fr') // fr-BE → fr, before a lower q
    expect(await by('FR-ca')).toBe('fr-CA')
    expect(await by('de, fr;q=0, pl;q=0.1')).toBe('pl') // q=0 means "not this"
    expect(await by('de, *;q=0.5, fr;q=0.1')).toBe('en') // * is the default locale
    expect(await by('de-DE, es')).toBe('en')
    expect(await by('en;q=2, fr;q=abc, !!, ru;q=0.3')).toBe('ru') // malformed entries skipped
    expect(await localeOf(server, { url: '/hello?lang=pl-PL' })).toBe('pl')
  })

  it('parses Accept-Language ranges, ties in header order', () => {
    expect(parseAcceptLanguage('fr-CA, en;q=0.8, de;q=0, pl ; q=0.8, ru;Q=1.0')).toEqual([
      'fr-CA',
      'ru',
      'en',
      'pl',
    ])
    expect(parseAcceptLanguage(undefined)).toEqual([])
    expect(parseAcceptLanguage('x'.repeat(20))).toEqual([])
  })

  it('sends content-language and Vary: Accept-Language on successes and failures, over a real socket', async () => {
    const url = await app().listen()
    const ok = await fetch(`${url}/hello`, { headers: { 'accept-language': 'pl' } })
    expect(ok.headers.get('content-language')).toBe('pl')
    expect(ok.headers.get('vary')).toMatch(/Accept-Language/)
    expect(((await ok.json()) as { data: { text: string } }).data.text).toBe('Cześć, Ada!')
    const failed = await fetch(`${url}/nowhere?lang=fr`)
    expect(failed.status).toBe(404)
    expect(failed.headers.get('content-language')).toBe('fr')
    const custom = await fetch(`${url}/custom`)
    expect(custom.headers.get('content-language')).toBe('x-custom') // a handler's own header wins
    const noVary = app({ detect: ['query'] })
    expect((await noVary.inject('/hello')).headers.vary).toBeUndefined()
  })
})

describe('i18n: messages', () => {
  it('interpolates {placeholders}, leaving unknown ones as written', async () => {
    const server = app()
    const res = await server.inject('/hello?lang=fr')
    expect(res.json().data).toEqual({ locale: 'fr', text: 'Bonjour, Ada !' })
    expect((await server.inject('/t/greeting')).json().data).toBe('Hello, {name}!')
  })

  it('picks plural forms with Intl.PluralRules, for languages with more than two forms', async () => {
    const server = app()
    const t = async (lang: string, count: number) =>
      (await server.inject(`/t/cart.items?lang=${lang}&count=${count}`)).json<{ data: string }>()
        .data
    expect(await Promise.all([1, 2, 5, 22, 25, 1.5].map((n) => t('pl', n)))).toEqual([
      '1 plik',
      '2 pliki',
      '5 plików',
      '22 pliki',
      '25 plików',
      '1.5 pliku',
    ])
    expect(await Promise.all([1, 3, 11, 21].map((n) => t('ru', n)))).toEqual([
      '1 файл',
      '3 файла',
      '11 файлов',
      '21 файл',
    ])
    expect(await Promise.all([0, 1, 2].map((n) => t('en', n)))).toEqual([
      '0 items',
      '1 item',
      '2 items',
    ])
    expect((await server.inject('/t/cart.items?lang=fr')).json().data).toBe('{count} articles') // no count: other
  })

  it('uses "zero" for a count of 0 when the message has it, in any language', async () => {
    const server = app({ catalogs: { en: { n: { zero: 'none', one: 'one', other: '{count}' } } } })
    const t = async (count: number) =>
      (await server.inject(`/t/n?count=${count}`)).json<{ data: string }>().data
    expect([await t(0), await t(1), await t(7)]).toEqual(['none', 'one', '7'])
  })

  it('falls back from fr-CA to fr, then to the default locale, then to the key, warning once per key', async () => {
    const lines: { level: number; msg: string; key?: string }[] = []
    const logger = pino(
      { level: 'warn' },
      { write: (l: string) => void lines.push(JSON.parse(l) as (typeof lines)[number]) },
    )
    const server = app({}, { logger })
    const t = async (key: string, query = '') =>
      (await server.inject(`/t/${key}?lang=fr-CA${query}`)).json<{ data: string }>().data
    expect(await t('greeting')).toBe('Allô, {name}!') // fr-CA's own
    expect(await t('cart.items', '&count=2')).toBe('2 articles') // from fr, no warning
    expect(await t('onlyEnglish')).toBe('Only in English')
    expect(await t('no.such.key')).toBe('no.such.key')
    await t('onlyEnglish')
    await t('no.such.key')
    const warnings = lines.filter((l) => l.level === 40).map((l) => l.msg)
    expect(warnings).toEqual([
      'i18n: no message "onlyEnglish" for fr-CA; used en',
      'i18n: no message "no.such.key" in fr-CA, fr, en; answered with the key',
    ])
  })

  it('throws MEGA_I18N_MISSING_KEY for a key in no catalogue when strict', async () => {
    const server = app({ strict: true })
    expect((await server.inject('/t/onlyEnglish?lang=fr')).json().data).toBe('Only in English')
    const res = await server.inject('/t/nope?lang=fr')
    expect(res.statusCode).toBe(500)
    expect(res.json().error).toMatchObject({
      code: 'MEGA_I18N_MISSING_KEY',
      message: 'No message "nope" for fr → en: add it to the en catalogue.',
      details: { key: 'nope', locale: 'fr' },
    })
  })

  it('formats numbers and dates for the locale with Intl', async () => {
    const res = await app().inject('/format?lang=fr')
    const spaced = JSON.parse(JSON.stringify(res.json().data).replace(/\s/g, ' ')) as unknown
    expect(spaced).toEqual({
      number: '1 234 567,5',
      money: '12,50 €',
      date: '2 janvier 2024',
    })
  })
})

describe('i18n: error envelopes', () => {
  it('translates the 422 message into the request locale; the code and issues are unchanged', async () => {
    const server = app()
    const body = { email: 'nope', age: 1.5 }
    const fr = await server.inject({
      method: 'POST',
      url: '/users',
      payload: body,
      headers: { 'accept-language': 'fr' },
    })
    expect(fr.statusCode).toBe(422)
    expect(fr.headers['content-language']).toBe('fr')
    const error = fr.json<FailureEnvelope>().error
    expect(error.code).toBe('MEGA_VALIDATION_FAILED')
    expect(error.message).toBe('La validation a échoué : corrigez les 2 champs indiqués.')
    expect((error.details as MegaIssue[]).map((d) => d.path).sort()).toEqual([
      'body.age',
      'body.email',
    ])
    const en = await server.inject({ method: 'POST', url: '/users', payload: body })
    expect(en.json().error.message).toBe('Validation failed (2 problems).')
    const problem = await server.inject({
      method: 'POST',
      url: '/users?lang=fr',
      payload: body,
      headers: { accept: 'application/problem+json' },
    })
    expect(problem.json()).toMatchObject({ code: 'MEGA_VALIDATION_FAILED', detail: error.message })
  })

  it('fills {message} and scalar details, falls back along the chain, keeps untranslated codes', async () => {
    const server = app()
    const missing = await server.inject('/missing/7?lang=fr-CA')
    expect(missing.json().error).toMatchObject({
      code: 'MEGA_NOT_FOUND',
      message: 'Introuvable : No user 7.',
    })
    expect((await server.inject('/busy?lang=fr')).json().error).toMatchObject({
      code: 'MEGA_RATE_LIMITED',
      message: 'Doucement : réessayez dans 30 s.',
      details: { retryAfterS: 30 },
    })
    const route = await server.inject('/nowhere?lang=fr')
    expect(route.json().error).toMatchObject({
      code: 'MEGA_ROUTE_NOT_FOUND',
      message: 'Aucune route ici.',
    })
    const english = await server.inject('/nowhere')
    expect(english.json().error.message).toBe(
      'No route for GET /nowhere: check the method and path.',
    )
  })
})

describe('i18n: plugin order', () => {
  it('translates a failure raised by a plugin set up before i18n (the locale is resolved on demand)', async () => {
    const gate = definePlugin({
      name: 'gate',
      setup: (api) =>
        api.hook('onRequest', (ctx) => {
          if (ctx.request.url.startsWith('/hello')) throw new UnauthorizedError()
        }),
    })
    const fr = { ...catalogs.fr, errors: { MEGA_UNAUTHORIZED: 'Connectez-vous.' } }
    const server = track(
      createApp({
        routes,
        plugins: [gate, i18n({ defaultLocale: 'en', catalogs: { ...catalogs, fr } })],
      }),
    )
    const res = await server.inject({ url: '/hello', headers: { 'accept-language': 'fr' } })
    expect(res.statusCode).toBe(401)
    expect(res.headers['content-language']).toBe('fr')
    expect(res.json().error).toMatchObject({
      code: 'MEGA_UNAUTHORIZED',
      message: 'Connectez-vous.',
    })
  })
})

describe('i18n: without the plugin', () => {
  it('ctx.t, ctx.locale and ctx.i18n are MEGA_CONTEXT_FEATURE_MISSING, saying how to enable it', async () => {
    const server = track(
      createApp({
        routes: defineRoutes((r) => {
          r.get('/t', (ctx) => ctx.t('greeting'))
          r.get('/locale', (ctx) => ctx.locale)
          r.get('/number', (ctx) => ctx.i18n.number(1))
        }),
      }),
    )
    for (const url of ['/t', '/locale', '/number']) {
      const res = await server.inject(url)
      expect(res.statusCode).toBe(500)
      expect(res.json().error.code).toBe('MEGA_CONTEXT_FEATURE_MISSING')
      expect(res.json().error.message).toMatch(
        /add i18n\(\{ defaultLocale: "en", dir: "locales" \}\) to plugins/,
      )
      expect(res.headers['content-language']).toBeUndefined()
    }
  })
})

describe('i18n: catalogues', () => {
  async function localesDir(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mega-i18n-'))
    dirs.push(dir)
    await mkdir(join(dir, 'locales'))
    for (const [name, text] of Object.entries(files))
      await writeFile(join(dir, 'locales', name), text)
    return dir
  }

  it('loads <dir>/<locale>.json relative to process.cwd(), discovering the locales', async () => {
    const root = await localesDir({
      'en.json': JSON.stringify({ greeting: 'Hi {name}' }),
      'de.json': JSON.stringify({ greeting: 'Hallo {name}' }),
      'notes.txt': 'ignored',
      'not a locale.json': '{}',
    })
    vi.spyOn(process, 'cwd').mockReturnValue(root)
    const server = app({ catalogs: undefined, dir: 'locales' })
    expect((await server.inject('/hello?lang=de')).json().data).toEqual({
      locale: 'de',
      text: 'Hallo Ada',
    })
    expect((await server.inject('/hello?lang=fr')).json().data.locale).toBe('en') // fr not served
  })

  it('lists every problem of the files at once: missing file, bad JSON, non-string leaf, extra placeholder', async () => {
    const root = await localesDir({
      'en.json': JSON.stringify({
        greeting: 'Hi {name}',
        items: { one: 'one', other: '{count}' },
        list: ['a'],
      }),
      'fr.json': '{ "greeting": "Salut {nom}", }',
      'pl.json': JSON.stringify({
        greeting: 'Cześć {name} {title}',
        items: { one: 1, few: '{count}' },
        n: null,
      }),
    })
    const server = app({
      catalogs: undefined,
      dir: join(root, 'locales'),
      locales: ['en', 'fr', 'pl', 'de'],
    })
    const err = await problemsOf(() => server.ready())
    expect(err.code).toBe('MEGA_PLUGIN_FAILED')
    const cause = err.cause as MegaError
    expect(cause.code).toBe('MEGA_I18N_INVALID_CATALOG')
    const message = cause.message
      .replaceAll(root, '<root>')
      .replace(/JSON: .*/g, 'JSON: <parser message>')
    expect(message).toMatchInlineSnapshot(`
      "Invalid i18n catalogues (7 problems); fix each and try again:
        - en.list: is an array: a message is a string, plural forms or nested keys
        - fr: <root>/locales/fr.json is not valid JSON: <parser message>
        - pl.items.one: is a number: a plural form is a string
        - pl.items: plural forms need "other" (used when no other form applies)
        - pl.n: is null: a message is a string, plural forms or nested keys
        - de: no file <root>/locales/de.json: add it or remove "de" from locales
        - pl.greeting: uses {title}, which the en message does not have"
    `)
    expect(cause.issues).toHaveLength(7)
  })

  it('refuses a missing directory, and a directory without the default locale', async () => {
    const server = app({ catalogs: undefined, dir: '/nonexistent/mega-i18n' })
    const err = await problemsOf(() => server.ready())
    expect((err.cause as MegaError).issues).toEqual([
      { path: 'dir', message: 'cannot read /nonexistent/mega-i18n (ENOENT): create it or fix dir' },
    ])
    const root = await localesDir({ 'fr.json': '{}' })
    const noDefault = app({ catalogs: undefined, dir: join(root, 'locales') })
    const err2 = await problemsOf(() => noDefault.ready())
    expect((err2.cause as MegaError).issues).toEqual([
      {
        path: 'en',
        message: 'no catalogue for the default locale: add one or change defaultLocale',
      },
    ])
  })

  it('checks inline catalogues at once, when i18n() is called', async () => {
    const err = await problemsOf(() =>
      i18n({
        defaultLocale: 'en',
        locales: ['en', 'fr'],
        catalogs: { en: { a: 'A {x}', b: { c: 'C' } }, 'not a tag': {}, de: 'nope' },
      }),
    )
    expect(err.code).toBe('MEGA_I18N_INVALID_CATALOG')
    expect(err.issues).toEqual([
      { path: 'not a tag', message: 'is not a BCP 47 language tag such as "en" or "fr-CA"' },
      {
        path: 'fr',
        message: 'no catalogue for this locale: add it to catalogs or remove it from locales',
      },
    ])
    const notObject = await problemsOf(() =>
      i18n({ defaultLocale: 'en', catalogs: { en: 'hello' } }),
    )
    expect(notObject.issues).toEqual([
      { path: 'en', message: 'the catalogue is a string: give an object' },
    ])
  })
})

describe('i18n: options', () => {
  it('validates every option at once (MEGA_CONFIG_INVALID)', async () => {
    const err = await problemsOf(() =>
      i18n({
        defaultLocale: 'english!',
        locales: ['en', 'EN', 'x_y'],
        detect: ['query', 'path' as 'query', 'query'],
        queryParam: '',
        cookieName: 'a b',
        strict: 'yes' as unknown as boolean,
        dir: 'locales',
        catalogs: {},
        extra: 1,
      } as I18nOptions),
    )
    expect(err.code).toBe('MEGA_CONFIG_INVALID')
    expect(err.message).toMatchInlineSnapshot(`
      "Invalid i18n options (8 problems); fix each and try again:
        - i18n options.defaultLocale: a BCP 47 language tag such as "en" or "fr-CA"
        - i18n options.locales[2]: a BCP 47 language tag such as "en" or "fr-CA"
        - i18n options.locales: each locale once
        - i18n options.detect[1]: Invalid option: expected one of "query"|"cookie"|"header"
        - i18n options.queryParam: a query parameter name such as "lang"
        - i18n options.cookieName: a cookie name is a token: letters, digits, -._
        - i18n options.strict: Invalid input: expected boolean, received string
        - i18n options: Unrecognized key: "extra""
    `)
  })

  it('needs dir or catalogs, and locales that include the default', async () => {
    const none = await problemsOf(() => i18n({ defaultLocale: 'en' }))
    expect(none.issues).toEqual([
      {
        path: 'i18n options.dir',
        message: 'give exactly one of dir (JSON files) and catalogs (inline)',
      },
    ])
    const without = await problemsOf(() =>
      i18n({ defaultLocale: 'en', locales: ['fr'], catalogs: { fr: {} } }),
    )
    expect(without.issues).toEqual([
      {
        path: 'i18n options.locales',
        message: 'locales must include defaultLocale (spelt the same)',
      },
    ])
  })

  it('declares its error codes', () => {
    for (const code of [
      'MEGA_CONTEXT_FEATURE_MISSING',
      'MEGA_I18N_INVALID_CATALOG',
      'MEGA_I18N_MISSING_KEY',
    ])
      expect(CORE_ERROR_CODES).toContain(code)
  })
})
