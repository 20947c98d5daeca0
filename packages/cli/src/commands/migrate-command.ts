import { join } from 'node:path'
import type { MigrationResult, ScannableModel } from '@mega/db'
import { MegaError } from '@mega/observe'
import { cliError } from '../errors.js'
import { generateMigrationFile, loadModels } from '../generators/migration-generator.js'
import { createColors, type CliIo, type Colors } from '../io.js'
import { BUILD_DIR, runsBuild, verifyBuild } from '../internal/build-files.js'
import { findProjectRoot } from '../internal/project.js'
import {
  connectProjectDb,
  isMongoProjectDb,
  projectDb,
  projectMigrator,
  refuseInProduction,
  type ConnectDb,
  type DbModule,
} from '../internal/project-db.js'
import type { MigrateAction, ParsedArgs } from '../options.js'
import { runStep } from '../progress.js'
import { describeMigration, relativeFile } from './generate-command.js'

/** Seams of {@link migrateCommand}: how `@mega/db` is imported and the database connected. */
export interface MigrateDeps {
  /** @default the project's `@mega/db` (else this CLI's) */
  readonly importDb?: (root: string) => Promise<DbModule>
  /** @default load the config and connect its `db` adapter only */
  readonly connect?: ConnectDb
}

type Options = ParsedArgs<'migrate'>['options']

interface Context {
  readonly root: string
  /** Where the migrations are read: the root, or the build in `<root>/dist`. */
  readonly migrationsRoot: string
  readonly options: Options
  readonly io: CliIo
  readonly c: Colors
  readonly db: DbModule
  readonly connect: ConnectDb
}

const MARKS: Readonly<Record<MigrationResult['status'], string>> = {
  applied: '✓',
  reverted: '↩',
  failed: '✗',
  'not-run': '-',
  pending: '·',
  skipped: '-',
}

/**
 * The word shown for a result: its status, except that a dry run of `down` (whose migrations are
 * applied, not pending) says what it would do.
 */
function label(r: MigrationResult): string {
  return r.status === 'pending' && r.direction === 'down' ? 'would revert' : r.status
}

function errorText(error: unknown): string {
  if (MegaError.is(error)) return `${error.message} (${error.code})`
  return error instanceof Error ? error.message : String(error)
}

/**
 * One line per migration: mark, status, name and duration; then, with `sql`, its statements, and
 * under a failure its error code and message.
 */
export function formatMigrationResults(
  results: readonly MigrationResult[],
  c: Colors,
  options: { readonly sql?: boolean } = {},
): string {
  const width = Math.max(...results.map((r) => label(r).length))
  const lines = results.flatMap((r) => {
    const paint =
      r.status === 'failed'
        ? c.red
        : r.status === 'not-run' || r.status === 'skipped'
          ? c.dim
          : c.green
    const ms = r.durationMs === undefined ? '' : c.dim(` (${Math.round(r.durationMs)}ms)`)
    const mark = r.status === 'pending' && r.direction === 'down' ? MARKS.reverted : MARKS[r.status]
    const head = `${paint(`${mark} ${label(r).padEnd(width)}`)}  ${r.name}${ms}`
    const sql =
      options.sql === true
        ? r.statements.flatMap((s) => s.split('\n')).map((line) => c.dim(`    ${line}`))
        : []
    const error = r.error === undefined ? [] : [`    ${c.red(errorText(r.error))}`]
    return [head, ...sql, ...error]
  })
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}

/** Prints the results of a run and resolves the exit code: 1 when any migration failed. */
function report(ctx: Context, results: readonly MigrationResult[], none: string): number {
  if (results.length === 0) {
    ctx.io.stdout(`${none}\n`)
    return 0
  }
  ctx.io.stdout(formatMigrationResults(results, ctx.c, { sql: ctx.options.dryRun }))
  const failed = results.filter((r) => r.status === 'failed' || r.error !== undefined)
  if (failed.length === 0) return 0
  const first = failed[0]!
  ctx.io.stderr(
    `${ctx.c.red('error')} ${failed.length} migration${failed.length === 1 ? '' : 's'} failed; first: ${first.name}: ${errorText(first.error)}\n`,
  )
  return 1
}

function parseSteps(value: string): number {
  const steps = Number(value)
  if (Number.isInteger(steps) && steps > 0) return steps
  throw cliError(
    'MEGA_CLI_INVALID_ARGUMENT',
    `mega migrate down: --steps must be a positive whole number, not "${value}".`,
  )
}

/** Connects, runs `fn` with a migrator of the app, and always disconnects. */
async function withMigrator<T>(
  ctx: Context,
  fn: (migrator: ReturnType<DbModule['createMigrator']>) => Promise<T>,
): Promise<T> {
  const build = ctx.migrationsRoot === ctx.root ? undefined : ctx.migrationsRoot
  const database = await ctx.connect(ctx.root, undefined, build)
  try {
    return await fn(projectMigrator(ctx.db, database, ctx.migrationsRoot, ctx.options.app))
  } finally {
    await database.close()
  }
}

async function make(ctx: Context, name: string | undefined): Promise<number> {
  if (name === undefined)
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      'mega migrate make: missing <name> (e.g. add-users).',
    )
  const result = await generateMigrationFile(
    {
      root: ctx.root,
      app: ctx.options.app,
      name,
      allowDestructive: ctx.options.allowDestructive,
    },
    async () => ctx.db,
  )
  ctx.io.stdout(describeMigration(relativeFile(ctx.root, result), ctx.c))
  return 0
}

async function check(ctx: Context): Promise<number> {
  const models = await loadModels(ctx.root, ctx.options.app)
  const result = await ctx.db.checkMigrations({
    root: ctx.root,
    app: ctx.options.app,
    models: models as ScannableModel[],
  })
  if (result.upToDate) {
    ctx.io.stdout(`Migrations cover the models of app ${ctx.options.app}.\n`)
    return 0
  }
  throw ctx.db.dbError(
    'MEGA_DB_MIGRATION_UNCOVERED',
    `The models of app ${ctx.options.app} have changes no migration covers (${result.changes.join('; ')}): run \`mega migrate make <name>\` and commit the migration and .mega/journal.`,
    { issues: result.changes.map((change) => ({ path: ctx.options.app, message: change })) },
  )
}

async function up(ctx: Context): Promise<number> {
  const { dryRun, to } = ctx.options
  const results = await withMigrator(ctx, (m) =>
    runStep(ctx.io, dryRun ? 'Compiling migrations' : 'Applying migrations', () =>
      m.up({ dryRun, ...(to === undefined ? {} : { to }) }),
    ),
  )
  return report(ctx, results, 'Nothing to migrate: every migration is applied.')
}

async function down(ctx: Context): Promise<number> {
  const steps = parseSteps(ctx.options.steps)
  const { dryRun } = ctx.options
  const results = await withMigrator(ctx, (m) =>
    runStep(ctx.io, dryRun ? 'Compiling migrations' : 'Reverting migrations', () =>
      m.down({ steps, dryRun }),
    ),
  )
  return report(ctx, results, 'Nothing to revert: no migration is applied.')
}

async function status(ctx: Context): Promise<number> {
  const results = await withMigrator(ctx, (m) => m.status())
  return report(ctx, results, `No migrations in apps/${ctx.options.app}/migrations yet.`)
}

/** Drops every table (the bookkeeping too), then applies every migration from the first. */
async function fresh(ctx: Context): Promise<number> {
  refuseInProduction(ctx.io, ctx.options.force, 'migrate fresh')
  const database = await ctx.connect(ctx.root)
  let results: readonly MigrationResult[]
  try {
    const sql = database.db
    if (isMongoProjectDb(sql))
      throw cliError(
        'MEGA_CLI_NOT_AVAILABLE',
        'mega migrate fresh drops SQL tables, and the "db" adapter is MongoDB: drop the database yourself (mongosh: db.dropDatabase()), then run mega migrate up.',
      )
    const dropped = await runStep(ctx.io, 'Dropping every table', () => ctx.db.dropAllTables(sql))
    ctx.io.stdout(`Dropped ${dropped.length} table${dropped.length === 1 ? '' : 's'}.\n`)
    results = await runStep(ctx.io, 'Applying migrations', () =>
      projectMigrator(ctx.db, database, ctx.root, ctx.options.app).up(),
    )
  } finally {
    await database.close()
  }
  return report(ctx, results, `No migrations in apps/${ctx.options.app}/migrations yet.`)
}

/**
 * `mega migrate make|up|down|status|check|fresh` (`fresh`: drop every table, then `up`). `make` and `check` read the app's models and
 * `.mega/journal`; `up`, `down` and `status` load the config and connect its `db` adapter only (not the
 * whole app), run `@mega/db`'s migrator and print one line per migration. Exits 1 when a migration
 * failed (its error code and message are printed), when `status` finds an edited applied migration,
 * or when `check` finds model changes no migration covers. When `dist/` holds a build (`mega build`),
 * `up`, `down` and `status` read its compiled migrations and config, with no loader (`--source` reads
 * the `.ts` files): same names, same checksums (of the operations), so either finds no drift.
 *
 * @example
 * const code = await run(['migrate', 'up', '--dry-run'], createProcessIo())
 */
export async function migrateCommand(
  parsed: ParsedArgs<'migrate'>,
  io: CliIo,
  deps: MigrateDeps = {},
): Promise<number> {
  const build = runsBuild(parsed, io.cwd)
  const root = findProjectRoot(io.cwd, parsed.options.root, 'migrate', { acceptBuild: build })
  const [action, name] = parsed.args
  if (build) await verifyBuild(root)
  const migrationsRoot = build ? join(root, BUILD_DIR) : root
  const db = await (deps.importDb ?? projectDb)(root)
  const connect = deps.connect ?? connectProjectDb
  const c = createColors(io)
  const ctx: Context = { root, migrationsRoot, options: parsed.options, io, c, db, connect }
  if (action !== 'make' && name !== undefined)
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega migrate ${action}: unexpected argument "${name}" (only make takes a name; up takes --to <stamp>).`,
    )
  switch (action as MigrateAction) {
    case 'make':
      return make(ctx, name)
    case 'check':
      return check(ctx)
    case 'up':
      return up(ctx)
    case 'down':
      return down(ctx)
    case 'status':
      return status(ctx)
    case 'fresh':
      return fresh(ctx)
  }
}
