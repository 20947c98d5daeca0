import type { FastifyReply, FastifyRequest } from 'fastify'
import { parseOptions } from '@mega/observe/internal'
import { FAILURE_MESSAGE } from '../http/error-handler.js'
import type { HttpFailure } from '../http/error-mapper.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import { i18nOptionsSchema, type I18nOptions } from './i18n-options.js'
import { compileInline, loadDir } from './load-catalogs.js'
import { createLocaleDetector } from './locale-detector.js'
import { Translator, type RequestI18n, type TranslateParams } from './translator.js'

/** Where the plugin keeps the request's translations (a property every request has: one shape). */
const I18N = 'megaI18n'

interface WithI18n {
  [I18N]?: RequestI18n | null
}

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
      api.hook('onRequest', (ctx) => {
        ctx.i18n = of(ctx.request)
      })
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
