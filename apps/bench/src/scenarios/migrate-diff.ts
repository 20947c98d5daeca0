// scan + diff + generate for 100 generated models. Where @mega/db does not export the migration
// functions (an older build), the scenario reports "not available yet" instead of failing the run.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import * as db from '@mega/db'
import { col, defineModel, type AnyModel } from '@mega/db'
import { defineScenario, type BenchCase } from '../harness/scenario.js'
import { median } from '../harness/stats.js'

/** Models per sample. */
export const MODEL_COUNT = 100
/** Runs per round; the round reports their median. */
const RUNS_PER_ROUND = 3

/** The migration functions of `@mega/db` this scenario calls. */
export interface MigrationApi {
  readonly scanModels: typeof db.scanModels
  readonly diffSchemas: typeof db.diffSchemas
  readonly generateMigration: typeof db.generateMigration
}

/** The names looked up in `@mega/db`; when one is missing, the scenario reports "not available yet". */
export const MIGRATION_EXPORTS = ['scanModels', 'diffSchemas', 'generateMigration'] as const

/**
 * Finds the migration functions in a module namespace (read as a plain record, so an older
 * `@mega/db` without them still loads); lists the missing ones otherwise.
 */
export function loadMigrationApi(
  mod: Readonly<Record<string, unknown>>,
): { api: MigrationApi } | { missing: string[] } {
  const missing = MIGRATION_EXPORTS.filter((name) => typeof mod[name] !== 'function')
  if (missing.length > 0) return { missing }
  return { api: mod as unknown as MigrationApi }
}

/** `count` models of 8 columns each; every model after the first references the one before it. */
export function generateModels(count: number): AnyModel[] {
  const models: AnyModel[] = []
  for (let i = 0; i < count; i++) {
    const previous = models[i - 1]
    const columns = {
      id: col.id(),
      title: col.string(200).index(),
      slug: col.string(120).unique(),
      body: col.text().nullable(),
      rank: col.integer().default(0),
      price: col.decimal(10, 2),
      status: col.enum(['draft', 'live', 'archived']).default('draft'),
      published_on: col.date().nullable(),
      ...(previous === undefined
        ? {}
        : { parent_id: col.references(() => previous).onDelete('cascade') }),
    }
    models.push(
      defineModel(`table_${String(i).padStart(3, '0')}`, columns, { softDelete: i % 3 === 0 }),
    )
  }
  return models
}

/** The empty schema a first migration is diffed from. */
const EMPTY_SCHEMA = { version: 1, tables: {} } as const

/** scanModels + diffSchemas in memory; resolves the milliseconds taken. */
export function scanAndDiff(api: MigrationApi, models: readonly AnyModel[]): number {
  const t0 = performance.now()
  const { schema, renames } = api.scanModels(models)
  const operations = api.diffSchemas(EMPTY_SCHEMA, schema, { renames })
  if (operations.length === 0) throw new Error('the diff of new models is empty')
  return performance.now() - t0
}

/**
 * `generateMigration` into a fresh project folder (what `mega migrate generate` does: scan, diff,
 * invert, render, write the file, the history entry and the snapshot); resolves the milliseconds.
 */
export async function generateOnce(
  api: MigrationApi,
  models: readonly AnyModel[],
): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'mega-bench-migrate-'))
  try {
    const t0 = performance.now()
    const result = await api.generateMigration({ root, name: 'bench', models })
    const ms = performance.now() - t0
    if (result === null || result.operations.length === 0) throw new Error('nothing was generated')
    return ms
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

function repeat(fn: () => number | Promise<number>): () => Promise<number> {
  return async () => {
    const samples: number[] = []
    for (let i = 0; i < RUNS_PER_ROUND; i++) samples.push(await fn())
    return median(samples)
  }
}

interface State {
  readonly api?: MigrationApi
  readonly models: readonly AnyModel[]
  readonly unavailable?: string
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export default defineScenario<State>({
  name: 'migrate-diff',
  title: `scan + diff + generate for ${MODEL_COUNT} generated models`,
  setup: async () => {
    const models = generateModels(MODEL_COUNT)
    const loaded = loadMigrationApi(db)
    if ('missing' in loaded)
      return {
        models,
        unavailable: `not available yet: @mega/db does not export ${loaded.missing.join(', ')}.`,
      }
    try {
      await generateOnce(loaded.api, models) // check that the calls fit the API before measuring
    } catch (err) {
      return {
        models,
        unavailable: `not available: the migration functions exist but the harness's call failed (${messageOf(err)}); adapt src/scenarios/migrate-diff.ts.`,
      }
    }
    return { api: loaded.api, models }
  },
  contenders: ({ api, models, unavailable }): BenchCase[] => {
    const names = [
      `${MODEL_COUNT} models: generateMigration`,
      `${MODEL_COUNT} models: scanModels + diffSchemas`,
    ]
    if (api === undefined)
      return names.map((name) => ({
        name,
        unit: 'ms',
        contenders: [],
        unavailable: unavailable ?? 'not available yet',
      }))
    return [
      {
        name: names[0] as string,
        unit: 'ms',
        contenders: [{ name: 'mega', run: repeat(() => generateOnce(api, models)) }],
        goals: [{ contender: 'mega', measure: 'value', atMost: 1000 }],
        notes: [
          `\`generateMigration({ root, name, models })\` into a fresh temporary project: scan the ${MODEL_COUNT} models (8–9 columns, a unique and a plain index, a foreign key to the previous model, every third soft-deleted), diff against the empty snapshot, invert, render the file, write it with its history entry and snapshot. Median of ${RUNS_PER_ROUND} per round.`,
        ],
      },
      {
        name: names[1] as string,
        unit: 'ms',
        contenders: [{ name: 'mega', run: repeat(() => scanAndDiff(api, models)) }],
        notes: ['The in-memory part of the above, for scale (no goal).'],
      },
    ]
  },
  teardown: async () => undefined,
})
