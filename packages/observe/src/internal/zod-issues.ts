import type { z } from 'zod'
import { MegaConfigError, type MegaIssue } from '../errors.js'

/** Formats zod issues as Mega issues, prefixing each path with `prefix` (`logger`, `metrics`). */
export function zodIssues(error: z.ZodError, prefix: string): MegaIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (acc, key) =>
        typeof key === 'number'
          ? `${acc}[${key}]`
          : acc === ''
            ? String(key)
            : `${acc}.${String(key)}`,
      prefix,
    )
    return { path, message: issue.message }
  })
}

/**
 * Parses `input` with `schema`, returning frozen output or throwing one {@link MegaConfigError} that
 * lists every problem. The caller's object is never mutated.
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  subject: string,
): Readonly<z.output<S>> {
  const result = schema.safeParse(input)
  if (!result.success) throw new MegaConfigError(subject, zodIssues(result.error, subject))
  return Object.freeze(result.data)
}
