import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import type { AnyModel } from '../model/define-model.js'

/** Rows per page when `list` is called without `perPage`. */
export const DEFAULT_PER_PAGE = 20
/** The most rows `list` (`perPage`) and `listByCursor` (`limit`) return at once. */
export const DEFAULT_MAX_PER_PAGE = 100

/** Options of {@link createCrud} (SQL and Mongo alike), validated at construction. */
export interface CrudOptions {
  /** The clock for timestamps and soft deletes. @default () => new Date() */
  readonly clock?: () => Date
  /** Rows per page when `list` gets no `perPage`; at most `maxPerPage`. @default 20 */
  readonly defaultPerPage?: number
  /** The largest `perPage` or `limit` a caller may ask for. @default 100 */
  readonly maxPerPage?: number
}

/** {@link CrudOptions} with the defaults filled in. */
export interface ResolvedCrudOptions {
  readonly clock?: () => Date
  readonly defaultPerPage: number
  readonly maxPerPage: number
}

/** The resolved options when none are given (no parse on the hot path of a per-call `createCrud`). */
export const DEFAULT_CRUD_OPTIONS: ResolvedCrudOptions = Object.freeze({
  defaultPerPage: DEFAULT_PER_PAGE,
  maxPerPage: DEFAULT_MAX_PER_PAGE,
})

const rowCount = (fallback: number) =>
  z.number().int('must be a whole number').min(1, 'must be at least 1').default(fallback)

/** A schema for every option of `O`, no more and no fewer (so the schema and the interface cannot drift). */
export type OptionsShape<O> = { readonly [K in keyof Required<O>]: z.ZodType<O[K] | undefined> }

/** The schema of each {@link CrudOptions} field; Mongo CRUD adds its own to these. */
export const crudOptionsShape = {
  clock: z
    .custom<() => Date>((v) => typeof v === 'function', 'must be a function returning a Date')
    .optional(),
  defaultPerPage: rowCount(DEFAULT_PER_PAGE),
  maxPerPage: rowCount(DEFAULT_MAX_PER_PAGE),
} satisfies OptionsShape<CrudOptions>

/** Refuses a `defaultPerPage` above `maxPerPage` (every `list()` without `perPage` would be a 422). */
export function withPagingCheck<T extends z.ZodType<ResolvedCrudOptions>>(schema: T): T {
  return schema.refine((o) => o.defaultPerPage <= o.maxPerPage, {
    path: ['defaultPerPage'],
    message: 'must not exceed maxPerPage: lower defaultPerPage or raise maxPerPage',
    // Only once both are valid numbers: a bad maxPerPage is reported once, as itself.
    when: (payload) => payload.issues.length === 0,
  })
}

/** The schema of SQL {@link CrudOptions}. */
export const crudOptionsSchema = withPagingCheck(z.strictObject(crudOptionsShape))

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0
}

/**
 * SQL CRUD's options resolved: validated when any is given, the frozen defaults otherwise (so a
 * `createCrud` per request parses nothing).
 */
export function resolveCrudOptions(options: unknown, model: AnyModel): ResolvedCrudOptions {
  if (options === undefined || isEmptyObject(options)) return DEFAULT_CRUD_OPTIONS
  return parseCrudOptions(crudOptionsSchema, options, model)
}

/**
 * `options` validated by `schema` and frozen, with defaults filled in; bad options are one
 * `MEGA_CONFIG_INVALID` (`MegaConfigError`) naming each problem under `crud.<table>`.
 */
export function parseCrudOptions<S extends z.ZodType<ResolvedCrudOptions>>(
  schema: S,
  options: unknown,
  model: AnyModel,
): Readonly<z.output<S>> {
  return parseOptions(schema, options, `crud.${model.table}`)
}
