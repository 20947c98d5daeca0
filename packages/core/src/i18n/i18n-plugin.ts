import type { FastifyReply, FastifyRequest } from 'fastify'
import { parseOptions } from '@mega/observe/internal'
import { defineContextFeature } from '../app/context-features.js'
import { FAILURE_MESSAGE } from '../http/error-handler.js'
import type { HttpFailure } from '../http/error-mapper.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import { i18nOptionsSchema, type I18nOptions } from './i18n-options.js'
import { compileInline, loadDir } from './load-catalogs.js'
import { createLocaleDetector } from './locale-detector.js'
import { Translator, type RequestI18n, type Translate, type TranslateParams } from './translator.js'

/** Where the plugin keeps the request's translations (a property every request has: one shape). */
const I18N = 'megaI18n'

interface WithI18n {
  [I18N]?: RequestI18n | null
}

declare module '../app/request-context.js' {
  interface MegaContextFeatures {
    /** The request's translations (`locale`, `t`, `number`, `date`), with the `i18n()` plugin. */
    i18n: RequestI18n
    /** The request's locale (`?lang=`, cookie, `Accept-Language`, else the default): `ctx.i18n.locale`. */
    locale: string
    /** Translates a key into the request's locale (`ctx.t('greeting', { name })`): `ctx.i18n.t`. */
    t: Translate
  }
}

const howTo = {
  plugin: 'i18n',
  hint: 'add i18n({ defaultLocale: "en", dir: "locales" }) to plugins in mega.config.ts, with a locales/en.json catalogue.',
}
const i18nFeature = defineContextFeature('i18n', howTo)
const localeFeature = defineContextFeature('locale', howTo)
const tFeature = defineContextFeature('t', howTo)

/** What an `errors.<CODE>` message can use: `{message}`, scalar details, `{count}` of issues. */
function errorParams(failure: HttpFailure): TranslateParams {
  const params: Record<string, TranslateParams[string]> = {}
  if (failure.issues !== undefined) params.count = failure.issues.length
  for (const [name, value] of Object.entries(failure.details ?? {}))
    if (['string', 'number', 'bigint', 'boolean'].includes(typeof value))
      params[name] = value as TranslateParams[string]
  params.message = failure.message
  return params
}

/** Adds `Accept-Language` to `Vary`, unless it is there (or `*`). */
function varyOnLanguage(reply: FastifyReply): void {
  const vary = reply.getHeader('vary')
  const current = Array.isArray(vary) ? vary.join(', ') : vary === undefined ? '' : String(vary)
  if (/(^|,)\s*(\*|accept-language)\s*(,|$)/i.test(current)) return
  void reply.header('vary', current === '' ? 'Accept-Language' : `${current}, Accept-Language`)
}

/**
 * Translations: `ctx.t(key, params)` and `ctx.locale` in handlers, and Mega's error messages in the
 * request's language (an `errors.<CODE>` message replaces the envelope's `message`; the `code`
 * never changes). The locale comes from `?lang=`, a `lang` cookie, then `Accept-Language` (q-values,
 * `fr-CA` → `fr`), else `defaultLocale`; every response says it in `content-language`. Catalogues
 * are JSON files `<dir>/<locale>.json` read once at setup, or inline `catalogs`; each is checked
 * (a missing file, bad JSON, a non-string message, a placeholder the default locale's message lacks)
 * and every problem is listed in one `MEGA_I18N_INVALID_CATALOG`.
 *
 * @example
 * defineConfig({ plugins: [i18n({ defaultLocale: 'en', locales: ['en', 'fr'], dir: 'locales' })] })
 * // locales/fr.json: { "greeting": "Bonjour, {name} !", "items": { "one": "{count} article", "other": "{count} articles" } }
 * r.get('/hello', (ctx) => ctx.t('greeting', { name: 'Ada' })) // "Bonjour, Ada !" for ?lang=fr
 */
export function i18n(options: I18nOptions): MegaPlugin {
  const o = parseOptions(i18nOptionsSchema, options, 'i18n options')
  const inline = o.catalogs === undefined ? undefined : compileInline(o, o.catalogs)
  return definePlugin({
    name: 'i18n',
    async setup(api) {
      const loaded = inline ?? (await loadDir(o, o.dir ?? '.'))
      const translator = new Translator({
        loaded,
        defaultLocale: o.defaultLocale,
        strict: o.strict,
        warn: (fields, message) => api.log.warn(fields, message),
      })
      const detect = createLocaleDetector({ ...o, locales: loaded.locales })
      const of = (request: FastifyRequest): RequestI18n =>
        ((request as WithI18n)[I18N] ??= translator.forLocale(detect(request)))
      const { fastify } = api
      fastify.decorateRequest(I18N, null)
      fastify.decorateRequest(FAILURE_MESSAGE, function (this: FastifyRequest, f: HttpFailure) {
        return translator.errorMessage(of(this).locale, f.code, errorParams(f))
      })
      // Built at the first read in a request: a request that never translates pays nothing here.
      i18nFeature.provide(fastify, (ctx) => of(ctx.request))
      localeFeature.provide(fastify, (ctx) => of(ctx.request).locale)
      tFeature.provide(fastify, (ctx) => of(ctx.request).t)
      const byHeader = o.detect.includes('header')
      fastify.addHook('onSend', async (request, reply, payload) => {
        if (!reply.hasHeader('content-language'))
          void reply.header('content-language', of(request).locale)
        if (byHeader) varyOnLanguage(reply)
        return payload
      })
    },
  })
}
