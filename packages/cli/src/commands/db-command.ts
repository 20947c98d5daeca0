import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { MegaConfig } from '@mega/core'
import { cliError } from '../errors.js'
import { createColors, type CliIo } from '../io.js'
import { findProjectRoot } from '../internal/project.js'
import {
  connectProjectDb,
  projectDb,
  projectImporter,
  projectMigrator,
  refuseInProduction,
  type DbModule,
} from '../internal/project-db.js'
import type { DbAction, ParsedArgs } from '../options.js'
import { formatMigrationResults } from './migrate-command.js'
import { printScriptResult, runScript } from './run-command.js'

/** Where `mega db seed` looks for an app's seeds, in this order. */
export const SEED_FILES = ['seeds.ts', 'seeds.mts', 'seeds.js', 'seeds.mjs'] as const

type Options = ParsedArgs<'db'>['options']

interface Context {
  readonly root: string
  readonly options: Options
  readonly io: CliIo
  readonly db: DbModule
}

/** The config's `db` adapter entry, split into driver and options. */
async function dbEntry(
  root: string,
): Promise<{ config: MegaConfig; driver: string; options: object }> {
  const core = (await projectImporter(root)('@mega/core')) as {
    loadConfig: (root: string) => Promise<MegaConfig>
  }
  const config = await core.loadConfig(root)
  const entry = config.adapters.db
  if (entry === undefined)
    throw cliError(
      'MEGA_CLI_NO_DATABASE',
      `${config.name} has no "db" adapter in mega.config: add one, e.g. adapters: { db: { driver: 'sqlite', filename: './data/app.sqlite' } }.`,
    )
  const { driver, kind: _kind, ...options } = entry
  return { config, driver, options }
}

async function tasks(ctx: Context) {
  const { driver, options } = await dbEntry(ctx.root)
  return ctx.db.databaseTasks(driver, options, { cwd: ctx.root })
}

async function create(ctx: Context): Promise<void> {
  const result = await (await tasks(ctx)).create()
  ctx.io.stdout(
    result.changed
      ? `Created database ${result.database}.\n`
      : `Database ${result.database} already exists.\n`,
  )
}

async function drop(ctx: Context): Promise<void> {
  refuseInProduction(ctx.io, ctx.options.force, 'db drop')
  const result = await (await tasks(ctx)).drop()
  ctx.io.stdout(
    result.changed
      ? `Dropped database ${result.database}.\n`
      : `Database ${result.database} does not exist.\n`,
  )
}

/** The app's seeds file, or `undefined`. */
function seedFile(ctx: Context): string | undefined {
  const dir = join('apps', ctx.options.app)
  const found = SEED_FILES.find((file) => existsSync(join(ctx.root, dir, file)))
  return found === undefined ? undefined : join(dir, found)
}

async function seed(ctx: Context, required: boolean): Promise<void> {
  const file = seedFile(ctx)
  if (file === undefined) {
    if (!required) return
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega db seed: apps/${ctx.options.app} has no ${SEED_FILES.join(' / ')}: create apps/${ctx.options.app}/seeds.ts with "export default defineScript(async (ctx) => { … })".`,
    )
  }
  const result = await runScript({ root: ctx.root, file })
  ctx.io.stdout(`Seeded from ${file}.\n`)
  printScriptResult(ctx.io, result)
}

/** Applies every pending migration of the app; `false` when one failed (printed). */
export async function migrateUp(
  root: string,
  app: string,
  io: CliIo,
  db: DbModule,
): Promise<boolean> {
  const database = await connectProjectDb(root)
  try {
    const results = await projectMigrator(db, database, root, app).up()
    if (results.length > 0) io.stdout(formatMigrationResults(results, createColors(io)))
    return !results.some((r) => r.status === 'failed' || r.error !== undefined)
  } finally {
    await database.close()
  }
}

async function reset(ctx: Context): Promise<number> {
  refuseInProduction(ctx.io, ctx.options.force, 'db reset')
  await drop(ctx)
  await create(ctx)
  if (!(await migrateUp(ctx.root, ctx.options.app, ctx.io, ctx.db))) return 1
  await seed(ctx, false)
  return 0
}

/**
 * `mega db create|drop|reset|seed`: create or drop the database the `db` adapter points at (PostgreSQL
 * and MariaDB on their server, SQLite as its file); `reset` drops, creates, applies every migration and
 * runs the seeds; `seed` runs `apps/<app>/seeds.ts` like `mega run`. `drop` and `reset` refuse under
 * `NODE_ENV=production` without `--force`.
 *
 * @example
 * const code = await run(['db', 'reset'], createProcessIo())
 */
export async function dbCommand(parsed: ParsedArgs<'db'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'db')
  const ctx: Context = { root, options: parsed.options, io, db: await projectDb(root) }
  switch (parsed.args[0] as DbAction) {
    case 'create':
      await create(ctx)
      return 0
    case 'drop':
      await drop(ctx)
      return 0
    case 'reset':
      return reset(ctx)
    case 'seed':
      await seed(ctx, true)
      return 0
  }
}
