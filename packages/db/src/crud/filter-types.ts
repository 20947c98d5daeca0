/**
 * The operators of Mega's portable filter language, shared by SQL and Mongo CRUD, as declared once.
 * An operator outside this list is rejected with `MEGA_CRUD_INVALID_QUERY`.
 */
export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'like',
  'isNull',
] as const

/** One of {@link FILTER_OPERATORS}. */
export type FilterOperator = (typeof FILTER_OPERATORS)[number]

/** The values a filter compares with: scalars, dates and driver value types (ObjectId...). */
export type FilterScalar = string | number | boolean | bigint | Date | null

/**
 * An operator object for one field; several operators combine with AND.
 *
 * @example
 * const adults: FilterCondition<number> = { gte: 18, lt: 65 }
 */
export interface FilterCondition<V = FilterScalar> {
  /** Equal to; `null` means "is null" (as `isNull: true`). */
  readonly eq?: V
  /** Not equal to (SQL semantics: a null field never matches); `null` means "is not null". */
  readonly ne?: V
  /** Greater than. */
  readonly gt?: V
  /** Greater than or equal to. */
  readonly gte?: V
  /** Less than. */
  readonly lt?: V
  /** Less than or equal to. */
  readonly lte?: V
  /** Equal to one of these values; an empty list matches nothing. */
  readonly in?: readonly V[]
  /**
   * SQL LIKE pattern, case-sensitive, matching the whole value: `%` is any run of characters, `_`
   * exactly one; `\` makes the next character literal (`\%`, `\_`, `\\`).
   */
  readonly like?: string
  /** `true`: the field is null (or missing, in Mongo); `false`: it has a value. */
  readonly isNull?: boolean
}

/** What a filter says about one field: a plain value (equality) or an operator object. */
export type FieldFilter<V = FilterScalar> = V | FilterCondition<V>

/**
 * A filter over a model: field → condition, all fields combined with AND.
 *
 * @example
 * const filter: ModelFilter<{ name: string; age: number }> = { name: { like: 'Ann%' }, age: { gte: 18 } }
 */
export type ModelFilter<T extends object = Record<string, unknown>> = {
  readonly [K in keyof T & string]?: FieldFilter<T[K]>
}

/**
 * A sort order: field names, most significant first, `-field` for descending.
 *
 * @example
 * const newestFirst: SortSpec<'createdAt' | 'name'> = ['-createdAt', 'name']
 */
export type SortSpec<F extends string = string> = readonly (F | `-${F}`)[]
