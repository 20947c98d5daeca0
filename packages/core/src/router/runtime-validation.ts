import type { FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { MegaIssue } from '@mega/observe'
import { ValidationError } from '../errors.js'
import type { RouteSchema } from './route-types.js'
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
    return s !== undefined && needsRuntimeZod(s) ? [{ part, schema: s }] : []
  })
}

function issuesOf(error: z.ZodError, part: Part): MegaIssue[] {
  return error.issues.map((i) => ({
    path: [part, ...i.path.map(String)].join('.'),
    message: i.message,
  }))
}

/** Parses the runtime parts with zod, replacing each with zod's output; one 422 lists every issue. */
export async function parseRuntime(
  request: FastifyRequest,
  parts: readonly RuntimePart[],
): Promise<void> {
  const issues: MegaIssue[] = []
  const target = request as unknown as Record<Part, unknown>
  for (const { part, schema } of parts) {
    const result = await schema.safeParseAsync(target[part])
    if (result.success) target[part] = result.data
    else issues.push(...issuesOf(result.error, part))
  }
  if (issues.length > 0) throw new ValidationError(issues)
}
