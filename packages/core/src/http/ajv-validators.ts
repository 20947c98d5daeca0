import AjvCompiler from '@fastify/ajv-compiler'
import type { FastifyServerOptions } from 'fastify'

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>
type ValidatorFactory = NonNullable<
  NonNullable<SchemaController['compilersFactory']>['buildValidator']
>

/** What Fastify hands a validator compiler for one part of one route. */
interface RouteSchemaDef {
  readonly schema: unknown
  readonly method: string
  readonly url: string
  readonly httpPart?: string
}

interface AjvIssueLike {
  readonly keyword: string
  readonly instancePath: string
  readonly schemaPath: string
  readonly params: Record<string, unknown>
  readonly message?: string
}

/** A compiled Ajv validator as Fastify calls it (`schemaEnv` set: it passes the parent data). */
interface Validator {
  (data: unknown, context?: unknown): unknown
  errors?: readonly AjvIssueLike[] | null
  schemaEnv?: unknown
}

/**
 * Ajv options of every part. `unicodeRegExp: false` compiles patterns without the `u` flag, as zod
 * runs its own flag-less patterns, so a kept pattern means the same to Ajv and to zod (string lengths
 * already agree: both count code points). All errors are reported (one 422 lists every field), unknown
 * keys are stripped and defaults applied, as zod does.
 */
const SHARED_OPTIONS = {
  allErrors: true,
  removeAdditional: true,
  useDefaults: true,
  unicodeRegExp: false,
} as const

/** Parts that arrive as strings, so `?page=2` may become the number 2. A JSON body never is coerced. */
const COERCED_PARTS: ReadonlySet<string> = new Set(['params', 'querystring', 'headers'])

// Bodies whose fields arrive as strings (`forms()`, `uploads()`): coerced like a query string.
const FORM_TYPE = /^\s*(?:application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/** `true` when the request whose body is being validated was sent as a form. */
function sentAsForm(context: unknown): boolean {
  const request = (context as { parentData?: { headers?: Record<string, unknown> } } | undefined)
    ?.parentData
  const type = request?.headers?.['content-type']
  return typeof type === 'string' && FORM_TYPE.test(type)
}

/**
 * A body validator: strict (no coercion) for JSON and anything else, coercing for a form post. The
 * coercing twin is compiled the first time a form arrives, so JSON-only routes never pay for it.
 */
function bodyValidator(strict: Validator, coercing: () => Validator): Validator {
  let form: Validator | undefined
  const validate: Validator = (data, context) => {
    const chosen = sentAsForm(context) ? (form ??= coercing()) : strict
    const result = chosen(data, context)
    validate.errors = chosen.errors
    return result
  }
  if (strict.schemaEnv !== undefined) validate.schemaEnv = strict.schemaEnv
  return validate
}

const TOO_DEEP: AjvIssueLike = {
  keyword: 'maxDepth',
  instancePath: '',
  schemaPath: '#',
  params: {},
  message: 'is nested too deeply: send a flatter value',
}

/**
 * A validator that answers a stack overflow (a value nested deeper than the stack allows, through a
 * recursive schema) as a validation failure, a 422, never a 500.
 */
function guardDepth(validate: Validator): Validator {
  const guarded: Validator = (data, context) => {
    try {
      const result = validate(data, context)
      guarded.errors = validate.errors
      return result
    } catch (err) {
      if (!(err instanceof RangeError)) throw err
      guarded.errors = [TOO_DEEP]
      return false
    }
  }
  if (validate.schemaEnv !== undefined) guarded.schemaEnv = validate.schemaEnv
  return guarded
}

/**
 * Fastify's own validator compiler (`@fastify/ajv-compiler`, with its pools, shared schemas and
 * `ajv-formats`), twice: params, query, headers and form bodies coerce (`coerceTypes: 'array'`), a
 * JSON body does not (`{"title": 12345}` is a 422 for a string field, not `"12345"`).
 */
export function megaValidators(): ValidatorFactory {
  const pool = AjvCompiler()
  const factory = (externalSchemas: Record<string, unknown>) => {
    const external = externalSchemas as Parameters<typeof pool>[0]
    const coercing = pool(external, { customOptions: { ...SHARED_OPTIONS, coerceTypes: 'array' } })
    const strict = pool(external, { customOptions: { ...SHARED_OPTIONS, coerceTypes: false } })
    const compile = (with_: typeof coercing, route: RouteSchemaDef) =>
      (with_ as unknown as (def: RouteSchemaDef) => Validator)(route)
    return (route: RouteSchemaDef) => {
      const part = route.httpPart ?? ''
      if (COERCED_PARTS.has(part)) return guardDepth(compile(coercing, route))
      if (part !== 'body') return guardDepth(compile(strict, route))
      return guardDepth(bodyValidator(compile(strict, route), () => compile(coercing, route)))
    }
  }
  return factory as unknown as ValidatorFactory
}
