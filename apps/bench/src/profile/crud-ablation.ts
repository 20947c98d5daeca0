// Raw Kysely plus, step by step, what @mega/db's CRUD adds to `get` and `list` (copied from its
// source as of this benchmark), so the cost of each step can be measured on its own:
//   where    the where clause built through an expression-builder callback, `eb.and([...])` of the
//            conditions (`sql\`1 = 1\`` when there are none), as CRUD's whereAll does
//   als      the Kysely instance looked up per call through db.kysely() (AsyncLocalStorage)
//   convert  every row converted column by column to the model's types (rowFromDb)
//   checks   the id checked with the model's zod schema (get) / paging validated (list)
//   async    CRUD's async layers (#run with try/catch, find → get)
import { sql, type Kysely } from 'kysely'
import type { SqlDbAdapter } from '@mega/db'
import {
  LIST_PAGES,
  PAGE_SIZE,
  SEED_ROWS,
  userModel,
  type BenchDb,
  type CrudOps,
} from '../scenarios/crud-fixtures.js'

/** The steps, in the order they are added. */
export const CRUD_ABLATION_STEPS = ['where', 'als', 'convert', 'checks', 'async'] as const

/** One of {@link CRUD_ABLATION_STEPS}. */
export type CrudAblationStep = (typeof CRUD_ABLATION_STEPS)[number]

type Row = Record<string, unknown>

/** `get` and `list` with the given steps added to raw Kysely. */
export function ablatedOps(
  db: SqlDbAdapter,
  table: string,
  steps: ReadonlySet<CrudAblationStep>,
): Pick<CrudOps, 'get' | 'list'> {
  const model = userModel(table)
  const root = db.kysely<BenchDb>()
  const k = (): Kysely<BenchDb> => (steps.has('als') ? db.kysely<BenchDb>() : root)
  const columns = Object.entries(model.columns)
  const convert = (row: Row): Row => {
    if (!steps.has('convert')) return row
    const out: Row = {}
    for (const [name, spec] of columns) {
      const v = row[name]
      if (v === null || v === undefined) out[name] = null
      else if (spec.type === 'timestamp') out[name] = new Date(v as string)
      else if (spec.type === 'boolean') out[name] = v !== 0 && v !== '0' && v !== false
      else out[name] = v
    }
    return out
  }
  const layer = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (err) {
      throw err instanceof Error ? err : new Error(String(err))
    }
  }
  const wrap = <T>(fn: () => Promise<T>) => (steps.has('async') ? layer(() => layer(fn)) : fn())

  const selectById = (id: number) =>
    steps.has('where')
      ? k()
          .selectFrom(table)
          .selectAll()
          .where((eb) => eb.and([eb('id', '=', id)]))
      : k().selectFrom(table).selectAll().where('id', '=', id)
  const all = () =>
    steps.has('where')
      ? k()
          .selectFrom(table)
          .where(() => sql<boolean>`1 = 1`)
      : k().selectFrom(table)
  const idSchema = model.schemas.fields.id
  return {
    get: (i) =>
      wrap(async () => {
        const id = (i % SEED_ROWS) + 1
        if (steps.has('checks') && idSchema?.safeParse(id).success !== true)
          throw new Error('bad id')
        const row = await selectById(id).executeTakeFirst()
        if (row === undefined) throw new Error('not found')
        return convert(row)
      }),
    list: (i) =>
      wrap(async () => {
        const page = (i % LIST_PAGES) + 1
        if (steps.has('checks') && (!Number.isInteger(page) || PAGE_SIZE > 100))
          throw new Error('paging')
        const [rows, count] = await Promise.all([
          all()
            .selectAll()
            .orderBy('id')
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
            .execute(),
          all()
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow(),
        ])
        return { items: rows.map(convert), total: Number(count.n), page, perPage: PAGE_SIZE }
      }),
  }
}
