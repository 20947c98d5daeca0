import type { AnyColumn, Column } from './column.js'

/** The columns a model declares, by field name. */
export type ColumnMap = Readonly<Record<string, AnyColumn>>

type ValueOf<C> =
  C extends Column<infer T, infer N, boolean, boolean> ? (N extends true ? T | null : T) : never

type OptionalOnInsert<C> =
  C extends Column<unknown, infer N, infer D, boolean>
    ? N extends true
      ? true
      : D extends true
        ? true
        : false
    : false

type IsGenerated<C> = C extends Column<unknown, boolean, boolean, infer G> ? G : false

type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** Options of `defineModel`. */
export interface ModelOptions {
  /** Adds `created_at` and `updated_at` (set by CRUD). @default true */
  readonly timestamps?: boolean
  /** Adds `deleted_at`; `remove` then marks rows instead of deleting them. @default false */
  readonly softDelete?: boolean
  /** Composite or extra indexes. */
  readonly indexes?: readonly ModelIndex[]
  /** The table's previous name, so migrations rename it. */
  readonly renamedFrom?: string
}

/** An index over one or more columns. */
export interface ModelIndex {
  readonly columns: readonly string[]
  readonly unique?: boolean
  /** @default `<table>_<columns>_idx` (or `_key` when unique) */
  readonly name?: string
}

// `unknown` is the neutral element of `&`: no extra fields.
type TimestampFields<O extends ModelOptions> = O['timestamps'] extends false
  ? unknown
  : { created_at: Date; updated_at: Date }
type SoftDeleteFields<O extends ModelOptions> = O['softDelete'] extends true
  ? { deleted_at: Date | null }
  : unknown

/** A row as read: every column, plus timestamps and `deleted_at` when enabled. */
export type SelectOf<C extends ColumnMap, O extends ModelOptions = ModelOptions> = Simplify<
  { [K in keyof C]: ValueOf<C[K]> } & TimestampFields<O> & SoftDeleteFields<O>
>

/** Create input: required fields are those neither nullable, defaulted nor generated. */
export type InsertOf<C extends ColumnMap> = Simplify<
  {
    [
      K in keyof C as IsGenerated<C[K]> extends true
        ? never
        : OptionalOnInsert<C[K]> extends true
          ? never
          : K
    ]: ValueOf<C[K]>
  } & {
    [
      K in keyof C as IsGenerated<C[K]> extends true
        ? never
        : OptionalOnInsert<C[K]> extends true
          ? K
          : never
    ]?: ValueOf<C[K]>
  }
>

/** Update input: any subset of the non-generated fields. */
export type UpdateOf<C extends ColumnMap> = Simplify<{
  [K in keyof C as IsGenerated<C[K]> extends true ? never : K]?: ValueOf<C[K]>
}>

/** The field name of the `col.id()` column. */
export type IdField<C extends ColumnMap> = {
  [K in keyof C]: IsGenerated<C[K]> extends true ? K : never
}[keyof C]
