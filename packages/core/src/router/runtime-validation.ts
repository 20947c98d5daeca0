import type { FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { MegaIssue } from '@mega/observe'
import { ValidationError } from '../errors.js'
import type { RouteSchema } from './route-schema.js'
import { needsRuntimeZod } from './zod-json-schema.js'

/** Request parts in our names and Fastify's. */
export const REQUEST_PARTS = [
  ['params', 'params'],
  ['query', 'querystring'],
  ['body', 'body'],
  ['headers', 'headers'],
] as const

type Part = (typeof REQUEST_PARTS)[number][0]

/** A request part whose schema zod must check at run time (refinements, transforms...). */
export interface RuntimePart {
  readonly part: Part
  readonly schema: z.ZodType
}

/** The parts of a route's schema that JSON Schema alone cannot validate. */
export function runtimeParts(schema: RouteSchema): RuntimePart[] {
  return REQUEST_PARTS.flatMap(([part]) => {
    const s = schema[part]
    return s !== undefined && needsRuntimeZod(s, part !== 'body') ? [{ part, schema: s }] : []
  })
}

function issuesOf(error: z.ZodError, part: Part): MegaIssue[] {
  return error.issues.map((i) => ({
    path: [part, ...i.path.map(String)].join('.'),
    message: i.message,
  }))
}

// zod recurses per level of the value (`z.json()`, recursive schemas): a value nested deeper than the
// stack allows throws a RangeError, which is the input's fault, so a 422 rather than a 500.
async function safeParse(
  schema: z.ZodType,
  value: unknown,
): Promise<z.ZodSafeParseResult<unknown> | undefined> {
  try {
    return await schema.safeParseAsync(value)
  } catch (err) {
    if (err instanceof RangeError) return undefined
    throw err
  }
}

/** Parses the runtime parts with zod, replacing each with zod's output; one 422 lists every issue. */
export async function parseRuntime(
  request: FastifyRequest,
  parts: readonly RuntimePart[],
): Promise<void> {
  const issues: MegaIssue[] = []
  const target = request as unknown as Record<Part, unknown>
  for (const { part, schema } of parts) {
    const result = await safeParse(schema, target[part])
    if (result === undefined)
      issues.push({ path: part, message: 'is nested too deeply: send a flatter value' })
    else if (result.success) target[part] = result.data
    else issues.push(...issuesOf(result.error, part))
  }
  if (issues.length > 0) throw new ValidationError(issues)
}

/** Our name of a part Fastify calls `httpPart` (`querystring` is our `query`). */
function ourPart(fastifyPart: string | undefined): Part | undefined {
  return REQUEST_PARTS.find(([, name]) => name === fastifyPart)?.[0]
}

/**
 * The zod issues of the runtime part Fastify's compiled validator just refused (`fastifyPart`), or
 * none. The compiled schema of a lossy part leaves some checks to zod (a URL's protocol...), which
 * never runs once Ajv has refused the part: without these, one 422 would list only the fields Ajv
 * checks, and the client would learn of the others one retry later.
 */
export async function refusedPartIssues(
  request: FastifyRequest,
  parts: readonly RuntimePart[],
  fastifyPart: string | undefined,
): Promise<MegaIssue[]> {
  const part = ourPart(fastifyPart)
  const runtime = parts.find((p) => p.part === part)
  if (runtime === undefined || part === undefined) return []
  const value = (request as unknown as Record<Part, unknown>)[part]
  const result = await safeParse(runtime.schema, value)
  return result === undefined || result.success ? [] : issuesOf(result.error, part)
}

/**
 * zod's own issues for every part of `schema` that does not parse, or none when all parse: the
 * messages the schema's author wrote (`z.string().min(3, 'at least 3 letters')`), which a form
 * shows, rather than the compiled validator's wording. Headers are left out (no form field).
 */
export async function zodIssues(
  request: FastifyRequest,
  schema: RouteSchema,
): Promise<MegaIssue[]> {
  const issues: MegaIssue[] = []
  const source = request as unknown as Record<Part, unknown>
  for (const [part] of REQUEST_PARTS) {
    const s = schema[part]
    if (s === undefined || part === 'headers') continue
    const result = await safeParse(s, source[part])
    if (result !== undefined && !result.success) issues.push(...issuesOf(result.error, part))
  }
  return issues
}
