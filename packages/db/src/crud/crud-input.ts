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

/**
 * Create inputs validated all at once: one `ValidationError` whose issue paths are prefixed with the
 * input's index (`[1].age`); anything else thrown is rethrown unchanged.
 */
export function insertValuesMany(
  model: AnyModel,
  inputs: readonly unknown[],
  now: Date,
): Record<string, unknown>[] {
  const issues: MegaIssue[] = []
  const rows = inputs.map((input, i) => {
    try {
      return insertValues(model, input, now)
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err
      issues.push(...(err.issues ?? []).map((x) => ({ ...x, path: `[${i}].${x.path}` })))
      return {}
    }
  })
  if (issues.length > 0) throw new ValidationError(issues)
  return rows
}

/** Update input validated by the model, with `updated_at` set when the model has timestamps. */
export function updateValues(model: AnyModel, input: unknown, now: Date): Record<string, unknown> {
  const parsed = model.schemas.update.safeParse(input)
  if (!parsed.success) throw modelValidationError(parsed.error.issues)
  return {
    ...(parsed.data as Record<string, unknown>),
    ...(model.timestamps ? { [AUTOMATIC_COLUMNS.updatedAt]: now } : {}),
  }
}
