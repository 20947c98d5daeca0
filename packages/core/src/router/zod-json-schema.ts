import { z } from 'zod'

/** A JSON Schema object as Fastify's compilers take it. */
export type JsonSchema = Record<string, unknown>

// zod schema kinds whose behaviour JSON Schema cannot express (they change or check values in code).
const RUNTIME_TYPES = new Set([
  'transform',
  'custom',
  'promise',
  'function',
  'catch',
  'success',
  'nan',
  'file',
  'date',
  'map',
  'set',
  'bigint',
  'symbol',
])
const RUNTIME_CHECKS = new Set(['custom', 'overwrite'])

interface ZodInternals {
  readonly _zod: { readonly def: ZodDef; readonly traits?: ReadonlySet<string> }
}

interface ZodDef {
  readonly type: string
  readonly coerce?: boolean
  readonly catchall?: ZodInternals
  readonly checks?: readonly ZodInternals[]
  readonly check?: string
  readonly [key: string]: unknown
}

function children(def: ZodDef): unknown[] {
  const out: unknown[] = []
  for (const key of [
    'element',
    'innerType',
    'in',
    'out',
    'left',
    'right',
    'keyType',
    'valueType',
    'rest',
    'catchall',
  ]) {
    if (def[key] !== undefined) out.push(def[key])
  }
  for (const key of ['options', 'items']) {
    const list: unknown = def[key]
    if (Array.isArray(list)) out.push(...(list as unknown[]))
  }
  if (def.type === 'object' && typeof def.shape === 'object' && def.shape !== null)
    out.push(...Object.values(def.shape as Record<string, unknown>))
  return out
}

function isZod(value: unknown): value is ZodInternals {
  return typeof value === 'object' && value !== null && '_zod' in value
}

// zod string formats whose whole check is one regular-expression test (`pattern.test(value)`): Ajv,
// compiled without the `u` flag as zod's own patterns are, enforces exactly the same pattern. Any
// other format (url, httpUrl, jwt, ipv6, cidrv6, base64, base64url, emoji with its `u` flag, credit
// cards, a function format...) checks or changes values in code, so zod must check it at run time.
const PATTERN_FORMATS = new Set([
  'email',
  'uuid',
  'guid',
  'ipv4',
  'mac',
  'cidrv4',
  'e164',
  'nanoid',
  'cuid',
  'cuid2',
  'ulid',
  'xid',
  'ksuid',
  'date',
  'time',
  'datetime',
  'duration',
  'regex',
  'lowercase',
  'uppercase',
  'starts_with',
  'ends_with',
  'includes',
])

/** `true` when a string format check is one flag-less regex test that Ajv's `pattern` repeats. */
function patternOnly(check: ZodInternals): boolean {
  const def = check._zod.def
  const pattern = def.pattern
  if (!(pattern instanceof RegExp) || pattern.flags !== '') return false
  // `includes` at a position is tested with String#includes, not with its (approximate) pattern.
  if (def.format === 'includes') return def.position === undefined
  // z.stringFormat(name, regex), z.hostname(), z.hex(), z.hash(): a custom format made of a regex.
  if (check._zod.traits?.has('$ZodCustomStringFormat') === true) return true
  return typeof def.format === 'string' && PATTERN_FORMATS.has(def.format)
}

/** `true` when Ajv with the pattern zod emits would check a string differently from zod. */
function lossyString(def: ZodDef, node: ZodInternals): boolean {
  const formats = [...(def.check === 'string_format' ? [node] : []), ...(def.checks ?? [])]
  return formats.some((c) => c._zod.def.check === 'string_format' && !patternOnly(c))
}

/**
 * `true` when validating with the compiled JSON Schema alone would differ from zod: refinements,
 * transforms, pipes with coercion into non-JSON types, dates, strict objects, and string formats that
 * are more than one flag-less regex (url, jwt, ipv6, base64...) or regexes with flags, and
 * `z.coerce.*` in a part Ajv does not coerce (`ajvCoerces` false: the body). Such parts are parsed by
 * zod at run time too (after the compiled validator has rejected what it can), so a handler only
 * ever sees what the zod schema accepts.
 */
export function needsRuntimeZod(schema: z.ZodType, ajvCoerces = true): boolean {
  const seen = new Set<unknown>()
  const visit = (node: unknown): boolean => {
    if (!isZod(node) || seen.has(node)) return false
    seen.add(node)
    const def = node._zod.def
    // z.lazy (e.g. a model's reference column) is whatever it resolves to by now.
    if (def.type === 'lazy') return visit((def.getter as () => unknown)())
    if (RUNTIME_TYPES.has(def.type)) return true
    // z.coerce.* in a part Ajv does not coerce (the body): only zod turns "5" into 5.
    if (def.coerce === true && !ajvCoerces) return true
    if (
      def.type === 'pipe' ||
      (def.type === 'object' &&
        def.catchall !== undefined &&
        def.catchall._zod.def.type === 'never')
    )
      return true
    if (def.checks?.some((c) => RUNTIME_CHECKS.has(String(c._zod.def.check)))) return true
    if (def.type === 'string' && lossyString(def, node)) return true
    return children(def).some(visit)
  }
  return visit(schema)
}

// The zod format each kept pattern stands for: an Ajv `pattern` error on it reads as the format's
// (`must match format "email"`), not as a page of regex. Filled at boot, one entry per distinct pattern.
const FORMAT_OF_PATTERN = new Map<string, string>()

/** The zod format a pattern of a compiled route schema stands for, if any (for error messages). */
export function formatOfPattern(pattern: string): string | undefined {
  return FORMAT_OF_PATTERN.get(pattern)
}

// Keywords whose value is data, not a schema: a default such as `{ format: 'a4' }` stays as written;
// and keywords whose value maps names (which may be `default` or `format`) to schemas.
const VALUE_KEYWORDS = new Set(['default', 'const', 'enum', 'examples', 'required'])
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs'])

// zod strips unknown keys of plain objects; Fastify's Ajv does the same when additionalProperties is
// false (removeAdditional), so input schemas of non-passthrough objects say so. `format` never reaches
// Ajv: zod's formats are not Ajv's (Ajv's `email`, `uri`, `uuid`, `date-time` accept other strings;
// `ulid`, `cuid2`, `jwt`... are unknown to it and would stop the server at boot). What zod checks with
// a flag-less regex stays as that `pattern`, which Ajv enforces exactly; when zod runs for the part
// anyway (`keepPatterns` false), patterns go too, since a pattern without its flags or an approximate
// one (cidrv6, includes at a position) could refuse what zod accepts.

function adaptForAjv(node: unknown, keepPatterns: boolean): void {
  if (Array.isArray(node)) return node.forEach((n) => adaptForAjv(n, keepPatterns))
  if (typeof node !== 'object' || node === null) return
  const obj = node as JsonSchema
  if (
    obj.type === 'object' &&
    obj.properties !== undefined &&
    obj.additionalProperties === undefined
  ) {
    obj.additionalProperties = false
  }
  if (typeof obj.format === 'string') {
    if (keepPatterns && typeof obj.pattern === 'string')
      FORMAT_OF_PATTERN.set(obj.pattern, obj.format)
    delete obj.format
    delete obj.contentEncoding
  }
  if (!keepPatterns && typeof obj.pattern === 'string') delete obj.pattern
  for (const [key, value] of Object.entries(obj)) {
    if (SCHEMA_MAPS.has(key) && typeof value === 'object' && value !== null)
      Object.values(value).forEach((n) => adaptForAjv(n, keepPatterns))
    else if (!VALUE_KEYWORDS.has(key)) adaptForAjv(value, keepPatterns)
  }
}

/**
 * Converts a zod schema to draft-07 JSON Schema for Fastify's compiled validator (`io: 'input'`) or
 * serialiser (`io: 'output'`). Parts JSON Schema cannot express become `{}` (accept anything) and are
 * left to {@link needsRuntimeZod}; input schemas carry no `format` (see `adaptForAjv`). `ajvCoerces`
 * says whether Ajv coerces the part (params, query, headers) or not (the body).
 */
export function toJsonSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  ajvCoerces = true,
): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-7',
    io,
    unrepresentable: 'any',
    // In a part Ajv does not coerce, a z.coerce.* value may arrive as any JSON type: zod coerces it.
    ...(io === 'input' && !ajvCoerces ? { override: acceptCoerced } : {}),
  }) as JsonSchema
  delete json.$schema
  if (io === 'input') adaptForAjv(json, !needsRuntimeZod(schema, ajvCoerces))
  return json
}

function acceptCoerced(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  if (!isZod(ctx.zodSchema) || ctx.zodSchema._zod.def.coerce !== true) return
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key]
}
