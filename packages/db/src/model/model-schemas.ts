import { z } from 'zod'
import type { ColumnSpec } from './column.js'

const INT32 = 2_147_483_647

function decimalSchema(precision: number, scale: number): z.ZodType<string> {
  const whole = precision - scale
  const re = new RegExp(`^-?\\d{1,${whole}}${scale > 0 ? `(\\.\\d{1,${scale}})?` : ''}$`)
  return z
    .union([z.string(), z.number()])
    .transform((v) => (typeof v === 'number' ? v.toFixed(scale) : v))
    .pipe(
      z
        .string()
        .regex(
          re,
          `must be a decimal with at most ${whole} digits before the point and ${scale} after`,
        ),
    )
}

/** The zod schema of one column's value (not null, no default). */
export function columnValueSchema(spec: ColumnSpec): z.ZodType {
  switch (spec.type) {
    case 'id':
      return spec.idStrategy === 'increment'
        ? z.number().int().positive()
        : spec.idStrategy === 'uuid'
          ? z.uuid()
          : z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID')
    case 'reference':
      // Lazy: the target may be declared after this model (or import it back), so its thunk is
      // called when a value is first checked or a route's JSON Schema is built, not at definition.
      return z.lazy(() => {
        const target = spec.references?.()
        const pk = target?.columns[target.primaryKey]
        return pk === undefined
          ? z.union([z.number().int().positive(), z.string().min(1)])
          : columnValueSchema(pk)
      })
    case 'string':
      return z.string().max(spec.length ?? 255)
    case 'text':
      return z.string()
    case 'integer':
      return z
        .number()
        .int()
        .min(-INT32 - 1)
        .max(INT32)
    case 'bigint':
      return z
        .union([z.string().regex(/^-?\d{1,19}$/, 'must be a 64-bit integer'), z.number().int()])
        .transform(String)
    case 'decimal':
      return decimalSchema(spec.precision ?? 10, spec.scale ?? 0)
    case 'boolean':
      return z.boolean()
    case 'date':
      return z.iso.date()
    case 'timestamp':
      return z.coerce.date()
    case 'json':
      return spec.schema ?? z.json()
    case 'enum':
      return z.enum(spec.values as [string, ...string[]])
  }
}

/** Column value schema with nullability applied. */
export function columnSchema(spec: ColumnSpec): z.ZodType {
  const value = columnValueSchema(spec)
  return spec.nullable ? value.nullable() : value
}

function isGenerated(spec: ColumnSpec): boolean {
  return spec.type === 'id'
}

/** The create schema: generated and automatic columns left out; defaulted or nullable fields optional. */
export function createSchema(
  columns: Readonly<Record<string, ColumnSpec>>,
  automatic: ReadonlySet<string>,
): z.ZodObject {
  const shape: Record<string, z.ZodType> = {}
  for (const [name, spec] of Object.entries(columns)) {
    if (isGenerated(spec) || automatic.has(name)) continue
    const schema = columnSchema(spec)
    shape[name] = spec.nullable || spec.default !== undefined ? schema.optional() : schema
  }
  return z.strictObject(shape)
}

/** The update schema: any non-empty subset of the create fields. */
export function updateSchema(create: z.ZodObject): z.ZodType {
  return create
    .partial()
    .refine((v) => Object.keys(v).length > 0, 'give at least one field to change')
}
