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
  readonly _zod: { readonly def: ZodDef }
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

/**
 * `true` when validating with the compiled JSON Schema alone would differ from zod: refinements,
 * transforms, pipes with coercion into non-JSON types, dates, strict objects. Such parts are parsed by
 * zod at run time too (after the compiled validator has rejected what it can).
 */
export function needsRuntimeZod(schema: z.ZodType): boolean {
  const seen = new Set<unknown>()
  const visit = (node: unknown): boolean => {
    if (!isZod(node) || seen.has(node)) return false
    seen.add(node)
    const def = node._zod.def
    // z.lazy (e.g. a model's reference column) is whatever it resolves to by now.
    if (def.type === 'lazy') return visit((def.getter as () => unknown)())
    if (RUNTIME_TYPES.has(def.type)) return true
    if (
      def.type === 'pipe' ||
      (def.type === 'object' &&
        def.catchall !== undefined &&
        def.catchall._zod.def.type === 'never')
    )
      return true
    if (def.checks?.some((c) => RUNTIME_CHECKS.has(String(c._zod.def.check)))) return true
    return children(def).some(visit)
  }
  return visit(schema)
}

// zod strips unknown keys of plain objects; Fastify's Ajv does the same when additionalProperties is
// false (removeAdditional), so input schemas of non-passthrough objects say so. zod also emits its own
// regex next to a standard format (email, uuid...): the format alone gives one clear issue per field.
function adaptForAjv(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(adaptForAjv)
  if (typeof node !== 'object' || node === null) return
  const obj = node as JsonSchema
  if (
    obj.type === 'object' &&
    obj.properties !== undefined &&
    obj.additionalProperties === undefined
  ) {
    obj.additionalProperties = false
  }
  if (typeof obj.format === 'string' && obj.pattern !== undefined) delete obj.pattern
  Object.values(obj).forEach(adaptForAjv)
}

/**
 * Converts a zod schema to draft-07 JSON Schema for Fastify's compiled validator (`io: 'input'`) or
 * serialiser (`io: 'output'`). Parts JSON Schema cannot express become `{}` (accept anything) and are
 * left to {@link needsRuntimeZod}.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-7',
    io,
    unrepresentable: 'any',
  }) as JsonSchema
  delete json.$schema
  if (io === 'input') adaptForAjv(json)
  return json
}
