import { parseOptions } from '@mega/observe/internal'
import { z } from 'zod'
import type { RouteInfo } from '../app/mega-server.js'
import { isUnderPath } from '../http/path-prefix.js'
import { securitySchemesSchema, type SecurityScheme } from './openapi-security.js'

/** Where the OpenAPI document is served when `path` is not given. */
export const DEFAULT_OPENAPI_PATH = '/openapi.json'
/** Where the docs UI is served when `ui` is not given. */
export const DEFAULT_OPENAPI_UI_PATH = '/docs'
/** The API version in the document's `info` when `info.version` is not given. */
export const DEFAULT_OPENAPI_VERSION = '0.0.0'

/** The `info` object of the document. */
export interface OpenApiInfo {
  /** @default the app's name when the server has one app not named `main`, else `'Mega API'` */
  readonly title?: string
  /** Version of the API (not of OpenAPI). @default '0.0.0' */
  readonly version?: string
  /** CommonMark text shown at the top of the docs. */
  readonly description?: string
}

/** One entry of the document's `servers`. */
export interface OpenApiServer {
  /** Base URL, absolute (`https://api.example.com`) or relative (`/`). */
  readonly url: string
  readonly description?: string
}

/** Loads a module by specifier (`import()` by default); a seam for tests. */
export type OpenApiImporter = (specifier: string) => Promise<unknown>

/** Options of {@link openapi}. */
export interface OpenApiOptions {
  /**
   * Path of the JSON document. When it ends in `.json`, the YAML form is served at the same path
   * ending in `.yaml`.
   * @default '/openapi.json'
   */
  readonly path?: string
  /** Path of the docs UI (`@fastify/swagger-ui`, an optional peer), or `false` for none. @default '/docs' */
  readonly ui?: string | false
  /** The document's `info`. @default { title: see OpenApiInfo, version: '0.0.0' } */
  readonly info?: OpenApiInfo
  /** The document's `servers`. @default none (the docs UI calls the host it was loaded from) */
  readonly servers?: readonly OpenApiServer[]
  /**
   * Routes left out of the document: route names (`'admin.stats'`; a resource's PUT twin follows its
   * named PATCH route), or a predicate that returns `true` for the routes to leave out.
   * @default none
   */
  readonly exclude?: readonly string[] | ((route: RouteInfo) => boolean)
  /**
   * `components.securitySchemes`, by name, for routes marked with `securedBy(name, hook)`; the docs
   * UI then offers "Authorize". `bearer` (HTTP bearer) is added by itself when a route uses it.
   * @default none, plus `bearer` when used
   */
  readonly securitySchemes?: Readonly<Record<string, SecurityScheme>>
  /** Loads `@fastify/swagger` and `@fastify/swagger-ui`. @default import() */
  readonly importer?: OpenApiImporter
}

/** {@link OpenApiOptions} once validated, with defaults. */
export interface ResolvedOpenApiOptions {
  readonly path: string
  readonly yamlPath: string | undefined
  readonly ui: string | false
  readonly info: OpenApiInfo & { readonly version: string }
  readonly servers: readonly OpenApiServer[] | undefined
  readonly exclude: (route: RouteInfo) => boolean
  readonly securitySchemes: Readonly<Record<string, SecurityScheme>> | undefined
  readonly importer: OpenApiImporter
}

const urlPath = z
  .string()
  .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'must be a path starting with "/" (letters, digits, . _ ~ - /)')
  .refine((p) => p === '/' || !p.endsWith('/'), 'must not end with "/"')

/** Validates {@link OpenApiOptions} (typed against it: a field the two disagree on fails to compile). */
export const openApiOptionsSchema = z
  .strictObject({
    path: urlPath.default(DEFAULT_OPENAPI_PATH),
    ui: z.union([urlPath, z.literal(false)]).default(DEFAULT_OPENAPI_UI_PATH),
    info: z
      .strictObject({
        title: z.string().min(1, 'must not be empty').optional(),
        version: z.string().min(1, 'must not be empty').default(DEFAULT_OPENAPI_VERSION),
        description: z.string().optional(),
      })
      .default({ version: DEFAULT_OPENAPI_VERSION }),
    servers: z
      .array(
        z.strictObject({
          url: z.string().min(1, 'must not be empty'),
          description: z.string().optional(),
        }),
      )
      .optional(),
    exclude: z
      .union(
        [
          z.array(z.string().min(1, 'must not be empty')),
          z.custom<(route: RouteInfo) => boolean>((v) => typeof v === 'function'),
        ],
        { error: 'must be a list of route names or a function (route) => boolean' },
      )
      .optional(),
    securitySchemes: securitySchemesSchema.optional(),
    importer: z
      .custom<OpenApiImporter>((v) => typeof v === 'function', 'must be a function')
      .optional(),
  })
  .refine((o) => o.ui === false || !isUnderPath(o.path, o.ui), {
    path: ['path'],
    message: 'must not be the docs UI path or under it: move one of them',
  }) satisfies z.ZodType<unknown, OpenApiOptions>

const nativeImport: OpenApiImporter = (specifier) => import(specifier)

/** Validates the options (one `MEGA_CONFIG_INVALID` listing every problem) and fills defaults. */
export function resolveOpenApiOptions(options: OpenApiOptions = {}): ResolvedOpenApiOptions {
  const parsed = parseOptions(openApiOptionsSchema, options, 'openapi options')
  const { exclude } = parsed
  const excludedNames = new Set(Array.isArray(exclude) ? exclude : [])
  return Object.freeze({
    path: parsed.path,
    yamlPath: parsed.path.endsWith('.json') ? `${parsed.path.slice(0, -5)}.yaml` : undefined,
    ui: parsed.ui,
    info: Object.freeze({ ...parsed.info }),
    servers: parsed.servers === undefined ? undefined : Object.freeze([...parsed.servers]),
    exclude:
      typeof exclude === 'function'
        ? exclude
        : (route: RouteInfo) => route.name !== undefined && excludedNames.has(route.name),
    securitySchemes: parsed.securitySchemes,
    importer: parsed.importer ?? nativeImport,
  })
}
