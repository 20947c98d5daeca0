import type { FastifyInstance, FastifyPluginCallback, FastifyPluginOptions } from 'fastify'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import type { RouteDefinition, RouteHandler } from '../router/route-types.js'
import {
  finishDocument,
  megaRouteOf,
  OPENAPI_VERSION,
  operationSchema,
  routeInfo,
} from './openapi-document.js'
import { SchemaComponents, type JsonObject } from './openapi-schemas.js'
import { docsCspTransform } from './docs-csp.js'
import { SecuritySchemes } from './openapi-security.js'
import {
  resolveOpenApiOptions,
  type OpenApiImporter,
  type OpenApiOptions,
  type ResolvedOpenApiOptions,
} from './openapi-options.js'
import { CORE_ERRORS } from '../errors.js'

// The slices of @fastify/swagger and @fastify/swagger-ui this plugin uses, typed here so that their
// type augmentations of Fastify stay out of core (they are loaded with import() only when used).
type PluginModule = { readonly default: FastifyPluginCallback<FastifyPluginOptions> }

/** What `@fastify/swagger` hands the per-route transform. */
interface SwaggerRouteView {
  readonly url: string
  readonly route: { readonly config?: unknown }
}

/** The dynamic-mode options of `@fastify/swagger` that this plugin sets. */
interface SwaggerOptions {
  readonly openapi: JsonObject
  transform(view: SwaggerRouteView): { schema: JsonObject; url: string }
  transformObject(document: { readonly openapiObject?: JsonObject }): JsonObject
}

/** The decorator `@fastify/swagger` adds: builds (once) and returns the document. */
type WithSwagger = FastifyInstance & {
  swagger(options?: { readonly yaml?: boolean }): unknown
}

const SWAGGER = '@fastify/swagger'
const SWAGGER_UI = '@fastify/swagger-ui'

function isModuleNotFound(err: unknown, specifier: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    String(e.message).includes(specifier)
  )
}

async function loadUi(importer: OpenApiImporter, ui: string): Promise<PluginModule> {
  try {
    return (await importer(SWAGGER_UI)) as PluginModule
  } catch (err) {
    if (!isModuleNotFound(err, SWAGGER_UI)) throw err
    throw CORE_ERRORS.create('MEGA_OPENAPI_UI_NOT_INSTALLED', [ui, SWAGGER_UI], { cause: err })
  }
}

/** What the document needs from the routes Fastify mounted: app names, excluded handlers. */
class RouteCollector {
  readonly #exclude: ResolvedOpenApiOptions['exclude']
  readonly #routes: { route: RouteDefinition; app: string; url: string }[] = []
  #excluded: Set<RouteHandler> | undefined

  constructor(exclude: ResolvedOpenApiOptions['exclude']) {
    this.#exclude = exclude
  }

  add(config: unknown, url: string): void {
    const mega = megaRouteOf(config)
    if (mega !== undefined) this.#routes.push({ route: mega.route, app: mega.scope.name, url })
  }

  /** The handlers of excluded routes: a resource's unnamed PUT twin follows its named PATCH. */
  #excludedHandlers(): Set<RouteHandler> {
    this.#excluded ??= new Set(
      this.#routes
        .filter((r) => r.route.name !== undefined)
        .filter((r) => this.#exclude(routeInfo(r.route, r.app, r.url)))
        .map((r) => r.route.handler),
    )
    return this.#excluded
  }

  isExcluded(route: RouteDefinition, app: string, url: string): boolean {
    if (this.#exclude(routeInfo(route, app, url))) return true
    return route.name === undefined && this.#excludedHandlers().has(route.handler)
  }

  /** The default title: the app's name when there is one app not named `main`. */
  defaultTitle(): string {
    const apps = [...new Set(this.#routes.map((r) => r.app))]
    return apps.length === 1 && apps[0] !== 'main' ? (apps[0] ?? 'Mega API') : 'Mega API'
  }
}

function swaggerOptions(
  options: ResolvedOpenApiOptions,
  routes: RouteCollector,
  security: SecuritySchemes,
): SwaggerOptions {
  const { title, ...info } = options.info
  const schemas = new SchemaComponents()
  return {
    openapi: {
      openapi: OPENAPI_VERSION,
      info: { title: title ?? 'Mega API', ...info },
      // Filled in as routes are mounted; @fastify/swagger reads it when it builds the document.
      components: { securitySchemes: security.schemes },
      ...(options.servers === undefined ? {} : { servers: options.servers.map((s) => ({ ...s })) }),
    },
    // Only Mega routes are documented: health, metrics, the docs and plain Fastify routes are hidden.
    transform: ({ url, route }) => {
      const mega = megaRouteOf(route.config)
      if (mega === undefined || routes.isExcluded(mega.route, mega.scope.name, url))
        return { schema: { hide: true }, url }
      return { schema: operationSchema(mega.route, mega.scope.name, schemas), url }
    },
    transformObject: ({ openapiObject }) =>
      finishDocument(
        openapiObject ?? {},
        schemas.schemas,
        title === undefined ? routes.defaultTitle() : undefined,
      ),
  }
}

// Not Mega routes, so the transform leaves them out of the document.
function serveDocument(fastify: WithSwagger, options: ResolvedOpenApiOptions): void {
  fastify.get(options.path, () => fastify.swagger())
  if (options.yamlPath !== undefined)
    fastify.get(options.yamlPath, (_request, reply) =>
      reply.type('application/yaml; charset=utf-8').send(fastify.swagger({ yaml: true })),
    )
}

/**
 * A plugin that serves an OpenAPI 3.1 document of the server's routes at `path` (`/openapi.json`,
 * and `/openapi.yaml`) and the docs UI at `ui` (`/docs`, needs `@fastify/swagger-ui`). Each route
 * becomes an operation: `operationId` = its name, its summary, description and tags (default: the
 * app's name), request schemas from zod, the success envelope and the `MegaError` failure envelope.
 * Health, metrics and the docs' own routes are left out. Options are validated at once
 * (`MEGA_CONFIG_INVALID`); without `@fastify/swagger-ui` and with `ui` on, setup fails with
 * `MEGA_OPENAPI_UI_NOT_INSTALLED`.
 *
 * @example
 * export default defineConfig({
 *   plugins: [openapi({ info: { title: 'Shop', version: '1.0.0' }, exclude: ['admin.stats'] })],
 * })
 */
export function openapi(options: OpenApiOptions = {}): MegaPlugin {
  const resolved = resolveOpenApiOptions(options)
  return definePlugin({
    name: 'openapi',
    async setup(api) {
      const ui = resolved.ui === false ? undefined : await loadUi(resolved.importer, resolved.ui)
      const swagger = (await resolved.importer(SWAGGER)) as PluginModule
      const routes = new RouteCollector(resolved.exclude)
      const security = new SecuritySchemes(resolved.securitySchemes)
      api.fastify.addHook('onRoute', (route) => {
        routes.add(route.config, route.url)
        const mega = megaRouteOf(route.config)
        if (mega !== undefined) security.use(mega.route, route.url)
      })
      api.fastify.addHook('onReady', async () => security.check())
      await api.fastify.register(swagger.default, swaggerOptions(resolved, routes, security))
      serveDocument(api.fastify as WithSwagger, resolved)
      if (ui !== undefined && resolved.ui !== false)
        await api.fastify.register(ui.default, {
          routePrefix: resolved.ui,
          // Under security()'s Content-Security-Policy: add what Swagger UI needs on its pages.
          transformStaticCSP: docsCspTransform(resolved.servers),
        })
    },
  })
}
