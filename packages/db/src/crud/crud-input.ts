import type { z } from 'zod'
import { ValidationError } from '@mega/core'
import type { MegaIssue } from '@mega/observe'
import { AUTOMATIC_COLUMNS, type AnyModel } from '../model/define-model.js'
import { newId } from './ids.js'

/** zod issues of model input as a `ValidationError` (422), one issue per field path. */
export function modelValidationError(issues: readonly z.core.$ZodIssue[]): ValidationError {
  return new ValidationError(
    issues.map((i): MegaIssue => ({
      path: i.path.join('.') || (i as { keys?: string[] }).keys?.join(',') || '',
      message: i.message,
    })),
  )
}

function isSqlDefault(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'sql' in value
}

/**
 * Create input validated by the model, with generated uuid/ulid ids, timestamps, defaults and
 * `null` for omitted nullable fields (increment ids are left to the database or the id allocator).
 */
export function insertValues(model: AnyModel, input: unknown, now: Date): Record<string, unknown> {
  const parsed = model.schemas.create.safeParse(input)
  if (!parsed.success) throw modelValidationError(parsed.error.issues)
  const values: Record<string, unknown> = { ...parsed.data }
  for (const [name, spec] of Object.entries(model.columns)) {
    if (values[name] !== undefined) continue
    if (spec.type === 'id' && spec.idStrategy !== 'increment')
      values[name] = newId(spec.idStrategy ?? 'uuid', now.getTime())
    else if (name === AUTOMATIC_COLUMNS.createdAt || name === AUTOMATIC_COLUMNS.updatedAt)
      values[name] = now
    else if (spec.default !== undefined && !isSqlDefault(spec.default)) values[name] = spec.default
    else if (spec.default !== undefined && spec.type === 'timestamp') values[name] = now
    else if (spec.nullable && spec.type !== 'id') values[name] = null
  }
  return values
}
