import { z } from 'zod'

/** A JSON (Schema) object as the OpenAPI document holds it. */
export type JsonObject = Record<string, unknown>

const COMPONENTS = '#/components/schemas/'

/**
 * Turns zod schemas into JSON Schema 2020-12 (the dialect of OpenAPI 3.1) for one document. zod puts
 * recursive and `.meta({ id })` schemas under `$defs` with `#/$defs/...` references, which would
 * point at the document's root: they are moved to `components.schemas` (named by their id, or
 * `Schema1`, `Schema2`...) and the references rewritten.
 */
export class SchemaComponents {
  readonly #schemas: JsonObject = {}
  readonly #seen = new Map<string, string>()
  #counter = 0

  /** The schemas moved out of the routes' schemas, by component name. */
  get schemas(): Readonly<JsonObject> {
    return this.#schemas
  }

  /**
   * `schema` as the document's JSON Schema, for requests (`input`) or responses (`output`). With
   * `inlineRoot`, a schema that is only a reference (a `.meta({ id })` root) is given inline: what
   * parameters (params, query, headers) need, as each property becomes one parameter.
   */
  convert(schema: z.ZodType, io: 'input' | 'output', inlineRoot = false): JsonObject {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      // A Date travels in JSON as its ISO string (and z.coerce.date() reads one).
      override: (ctx) => {
        if (ctx.zodSchema._zod.def.type === 'date')
          Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' })
      },
    }) as JsonObject
    delete json.$schema
    const defs = json.$defs as JsonObject | undefined
    delete json.$defs
    const names = new Map<string, string>()
    const bundle = defs === undefined ? '' : JSON.stringify(defs)
    for (const key of Object.keys(defs ?? {})) {
      // The same $defs (a schema used by several routes) gives the same components.
      const seen = this.#seen.get(`${key}|${bundle}`)
      names.set(`#/$defs/${key}`, seen ?? this.#nameFor(key))
    }
    const rewrite = (node: unknown): void => rewriteNode(node, names)
    rewrite(json)
    for (const [key, value] of Object.entries(defs ?? {})) {
      rewrite(value)
      const name = names.get(`#/$defs/${key}`) ?? key
      this.#seen.set(`${key}|${bundle}`, name)
      this.#schemas[name] = value
    }
    const root = typeof json.$ref === 'string' ? json.$ref.slice(COMPONENTS.length) : undefined
    if (inlineRoot && root !== undefined && Object.keys(json).length === 1)
      return structuredClone(this.#schemas[root]) as JsonObject
    return json
  }

  #nameFor(id: string): string {
    const wanted = /^[A-Za-z0-9._-]+$/.test(id) && !id.startsWith('__') ? id : undefined
    let name = wanted
    while (name === undefined || this.#schemas[name] !== undefined)
      name = `Schema${++this.#counter}`
    this.#schemas[name] = {} // reserved until filled
    return name
  }
}

// Rewrites `#/$defs/...` references; drops zod's regex next to a standard format (uuid, email...),
// which the format says better.
function rewriteNode(node: unknown, names: ReadonlyMap<string, string>): void {
  if (Array.isArray(node)) return node.forEach((n) => rewriteNode(n, names))
  if (typeof node !== 'object' || node === null) return
  const obj = node as JsonObject
  if (typeof obj.$ref === 'string') {
    const name = names.get(obj.$ref)
    if (name !== undefined) obj.$ref = `${COMPONENTS}${name}`
  }
  if (typeof obj.format === 'string' && obj.pattern !== undefined) delete obj.pattern
  for (const value of Object.values(obj)) rewriteNode(value, names)
}
