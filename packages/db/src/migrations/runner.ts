// The migration runner: applies and reverts the migration files of an app under the migration lock,
// records them in a bookkeeping table, and reports one result per migration instead of throwing
// half-way (Kysely's Migrator is the model).
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import type { MegaIssue } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import { dbError } from '../errors.js'
import type { SqlDatabase } from '../sql/sql-types.js'
import { getMigrationDialect } from './dialect-registry.js'
import { acquireMigrationLock, migrationLockHolder, type MigrationLockConfig } from './lock.js'
import {
  deleteAppliedMigration,
  driftIssues,
  ensureMigrationsTable,
  insertAppliedMigration,
  readAppliedMigrations,
  type AppliedMigration,
} from './migration-bookkeeping.js'
import { loadMigrationFiles, type MigrationFile } from './migration-files.js'
import type {
  DatabaseSchema,
  MigrationDialect,
  MigrationOperation,
  MigrationResult,
} from './migration-types.js'
import { migratorConfigSchema, type Migrator, type MigratorConfig } from './migrator-config.js'
import {
  applyOperation,
  createMigrationSchema,
  EMPTY_SCHEMA,
  type RecordingMigrationSchema,
} from './schema-builder.js'

interface Ctx {
  readonly db: SqlDatabase
  readonly table: string
  readonly dialect: MigrationDialect
  readonly clock: () => Date
  readonly createSchema: () => RecordingMigrationSchema
  readonly lock: MigrationLockConfig
  readonly load: () => Promise<MigrationFile[]>
}

/** The files, their recorded `up` operations, and what the database has applied. */
interface State {
  readonly files: readonly MigrationFile[]
  readonly ups: readonly (readonly MigrationOperation[])[]
  readonly applied: ReadonlyMap<string, AppliedMigration>
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

async function record(ctx: Ctx, file: MigrationFile, direction: 'up' | 'down') {
  const schema = ctx.createSchema()
  await file.module[direction](schema)
  return schema.operations
}

async function recordUps(ctx: Ctx, files: readonly MigrationFile[]) {
  const ups: (readonly MigrationOperation[])[] = []
  const issues: MegaIssue[] = []
  for (const file of files)
    ups.push(
      await record(ctx, file, 'up').catch((err: unknown) => {
        issues.push({ path: file.name, message: `up() throws: ${messageOf(err)}` })
        return []
      }),
    )
  if (issues.length > 0)
    throw dbError('MEGA_DB_MIGRATION_INVALID', 'Some migrations cannot be read: fix them.', {
      issues,
    })
  return ups
}

/** The schema after the `up` of the first `count` migrations, replayed from the empty schema. */
function schemaAfter(state: State, count: number): DatabaseSchema {
  return state.ups.slice(0, count).flat().reduce(applyOperation, EMPTY_SCHEMA)
}

function compile(ctx: Ctx, operations: readonly MigrationOperation[], before: DatabaseSchema) {
  const statements: string[] = []
  let schema = before
  for (const operation of operations) {
    statements.push(...ctx.dialect.compile(operation, schema))
    schema = applyOperation(schema, operation)
  }
  return statements
}

function assertNoDrift(state: State): void {
  const issues = driftIssues(state.files, state.applied)
  if (issues.length > 0)
    throw dbError(
      'MEGA_DB_MIGRATION_DRIFT',
      'Applied migrations no longer match their files; nothing was run: restore the files listed below.',
      { issues },
    )
}

async function bookkeep(ctx: Ctx, step: Step, batch: number): Promise<void> {
  const { name, checksum } = step.file
  if (step.direction === 'down') return deleteAppliedMigration(ctx.db, ctx.table, name)
  const applied_at = ctx.clock().toISOString()
  await insertAppliedMigration(ctx.db, ctx.table, { name, checksum, applied_at, batch })
}

async function loadState(
  ctx: Ctx,
  files: readonly MigrationFile[],
  ups: State['ups'],
): Promise<State> {
  const state = { files, ups, applied: await readAppliedMigrations(ctx.db, ctx.table) }
  assertNoDrift(state)
  return state
}

interface Step {
  readonly file: MigrationFile
  readonly direction: 'up' | 'down'
  /** Index of the file: its `up` needs the schema after the files before it. */
  readonly index: number
}

async function stepStatements(ctx: Ctx, state: State, step: Step): Promise<string[]> {
  if (step.direction === 'up')
    return compile(ctx, state.ups[step.index] ?? [], schemaAfter(state, step.index))
  return compile(ctx, await record(ctx, step.file, 'down'), schemaAfter(state, step.index + 1))
}

function failure(ctx: Ctx, step: Step, done: number, statements: readonly string[], err: unknown) {
  const kept =
    ctx.dialect.transactionalDdl || done === 0
      ? 'nothing of it was kept'
      : `${ctx.db.dialect} commits DDL as it runs, so its first ${done} statement(s) stay applied: undo them by hand`
  const at = done < statements.length ? ` at statement ${done + 1} (${statements[done]})` : ''
  return dbError(
    'MEGA_DB_MIGRATION_FAILED',
    `Migration ${step.file.name} (${step.direction}) failed${at}: ${messageOf(err)}; ${kept}. Fix the migration and run again.`,
    {
      cause: err,
      details: { migration: step.file.name, direction: step.direction, statement: done + 1 },
    },
  )
}

/** Statements a dialect runs outside the migration's transaction (SQLite: foreign keys off, on). */
interface TransactionHooks {
  readonly beforeTransaction?: readonly string[]
  readonly afterTransaction?: readonly string[]
}

async function aroundTransaction(ctx: Ctx, run: () => Promise<void>): Promise<void> {
  const hooks = ctx.dialect as MigrationDialect & TransactionHooks
  const exec = (statement: string) => sql.raw(statement).execute(ctx.db.kysely())
  for (const statement of hooks.beforeTransaction ?? []) await exec(statement)
  try {
    await run()
  } finally {
    for (const statement of hooks.afterTransaction ?? [])
      await exec(statement).catch(() => undefined)
  }
}

async function runStep(
  ctx: Ctx,
  state: State,
  step: Step,
  batch: number,
): Promise<MigrationResult> {
  const started = performance.now()
  const base = { name: step.file.name, direction: step.direction }
  let statements: string[] = []
  let done = 0
  const apply = async (): Promise<void> => {
    for (const statement of statements) {
      await sql.raw(statement).execute(ctx.db.kysely())
      done += 1
    }
    await bookkeep(ctx, step, batch)
  }
  try {
    statements = await stepStatements(ctx, state, step)
    await aroundTransaction(ctx, () =>
      ctx.dialect.transactionalDdl ? ctx.db.transaction(apply) : apply(),
    )
  } catch (err) {
    const error = failure(ctx, step, done, statements, ctx.db.mapError(err))
    return { ...base, status: 'failed', statements, error, durationMs: performance.now() - started }
  }
  const status = step.direction === 'up' ? 'applied' : 'reverted'
  return { ...base, status, statements, durationMs: performance.now() - started }
}

function notRun(step: Step): MigrationResult {
  return { name: step.file.name, direction: step.direction, status: 'not-run', statements: [] }
}

async function runSteps(
  ctx: Ctx,
  state: State,
  steps: readonly Step[],
): Promise<MigrationResult[]> {
  const batch = Math.max(0, ...[...state.applied.values()].map((r) => r.batch)) + 1
  const results: MigrationResult[] = []
  for (const step of steps) {
    const failed = results.some((r) => r.status === 'failed')
    results.push(failed ? notRun(step) : await runStep(ctx, state, step, batch))
  }
  return results
}

async function dryRun(ctx: Ctx, state: State, steps: readonly Step[]): Promise<MigrationResult[]> {
  const results: MigrationResult[] = []
  for (const step of steps) {
    const base = { name: step.file.name, direction: step.direction }
    try {
      results.push({
        ...base,
        status: 'pending',
        statements: await stepStatements(ctx, state, step),
      })
    } catch (err) {
      results.push({
        ...base,
        status: 'failed',
        statements: [],
        error: failure(ctx, step, 0, [], err),
      })
      break
    }
  }
  return results
}

function findTarget(files: readonly MigrationFile[], to: string): number {
  const index = files.findIndex((f) => f.name === to || f.name.startsWith(`${to}-`))
  if (index >= 0) return index
  throw dbError(
    'MEGA_DB_MIGRATION_INVALID',
    `No migration is named ${to}: use a name from status().`,
    {
      details: { to },
    },
  )
}

function upSteps(state: State, to: string | undefined): Step[] {
  const last = to === undefined ? state.files.length - 1 : findTarget(state.files, to)
  return state.files
    .map((file, index) => ({ file, index, direction: 'up' as const }))
    .filter((s) => s.index <= last && !state.applied.has(s.file.name))
}

function downSteps(state: State, steps: number): Step[] {
  return state.files
    .map((file, index) => ({ file, index, direction: 'down' as const }))
    .filter((s) => state.applied.has(s.file.name))
    .reverse()
    .slice(0, steps)
}

function assertSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1)
    throw dbError(
      'MEGA_DB_MIGRATION_INVALID',
      `down() steps must be a positive integer, got ${steps}.`,
    )
}

/** Loads the files, then (unless dry) takes the lock, reads the applied rows and runs `plan`. */
async function session(
  ctx: Ctx,
  dry: boolean,
  plan: (state: State) => Promise<MigrationResult[]>,
): Promise<MigrationResult[]> {
  const files = await ctx.load()
  const ups = await recordUps(ctx, files)
  if (dry) return plan(await loadState(ctx, files, ups))
  const lock = await acquireMigrationLock(ctx.lock)
  try {
    await ensureMigrationsTable(ctx.db, ctx.table)
    return await plan(await loadState(ctx, files, ups))
  } finally {
    await lock.release()
  }
}

async function status(ctx: Ctx): Promise<MigrationResult[]> {
  const files = await ctx.load()
  const state: State = { files, ups: [], applied: await readAppliedMigrations(ctx.db, ctx.table) }
  const drift = new Map(driftIssues(state.files, state.applied).map((i) => [i.path, i]))
  const names = [...new Set([...files.map((f) => f.name), ...state.applied.keys()])].sort()
  return names.map((name) => {
    const issue = drift.get(name)
    const base = { name, direction: 'up' as const, statements: [] }
    const error =
      issue && dbError('MEGA_DB_MIGRATION_DRIFT', `${name} ${issue.message}.`, { issues: [issue] })
    const status = state.applied.has(name) ? ('applied' as const) : ('pending' as const)
    return error === undefined ? { ...base, status } : { ...base, status, error }
  })
}

function buildContext(config: MigratorConfig): Ctx {
  const options = parseOptions(migratorConfigSchema, config, 'migrator')
  const { db, table } = options
  const clock = options.clock ?? (() => new Date())
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const lock: MigrationLockConfig = {
    ...{ db, name: table, mode: options.lockMode, timeoutMs: options.lockTimeoutMs },
    ...{ ttlMs: options.lockTtlMs, pollMs: options.lockPollMs, clock, sleep },
    holder: options.holder ?? migrationLockHolder(),
  }
  const files = { root: options.root, app: options.app }
  const load = () =>
    loadMigrationFiles({
      ...files,
      ...(options.importer === undefined ? {} : { importer: options.importer }),
      ...(options.fs === undefined ? {} : { fs: options.fs }),
    })
  const dialect = options.dialect ?? getMigrationDialect(db.dialect)
  return {
    db,
    table,
    clock,
    lock,
    load,
    dialect,
    createSchema: options.createSchema ?? createMigrationSchema,
  }
}

/**
 * Creates the migrator of an app: `up`, `down`, `redo` and `status` over the migration files in
 * `apps/<app>/migrations`. Runs take the migration lock, so concurrent processes apply each
 * migration once; each migration runs in its own transaction where the dialect has transactional
 * DDL. Applied migrations whose file changed or disappeared are refused (MEGA_DB_MIGRATION_DRIFT)
 * before anything runs.
 *
 * @example
 * const migrator = createMigrator({ db, root: process.cwd() })
 * const results = await migrator.up()
 * const failed = results.find((r) => r.status === 'failed')
 * if (failed) throw failed.error
 */
export function createMigrator(config: MigratorConfig): Migrator {
  const ctx = buildContext(config)
  const up = (state: State, to?: string) => runSteps(ctx, state, upSteps(state, to))
  return {
    up: ({ to, dryRun: dry = false } = {}) =>
      session(ctx, dry, (state) => (dry ? dryRun(ctx, state, upSteps(state, to)) : up(state, to))),
    down: async ({ steps = 1, dryRun: dry = false } = {}) => {
      assertSteps(steps)
      return session(ctx, dry, (state) =>
        (dry ? dryRun : runSteps)(ctx, state, downSteps(state, steps)),
      )
    },
    redo: ({ dryRun: dry = false } = {}) => session(ctx, dry, (state) => redo(ctx, state, dry)),
    status: () => status(ctx),
  }
}

async function redo(ctx: Ctx, state: State, dry: boolean): Promise<MigrationResult[]> {
  const [last] = downSteps(state, 1)
  if (last === undefined) return []
  const again: Step = { ...last, direction: 'up' }
  if (dry) return dryRun(ctx, state, [last, again])
  const [reverted] = await runSteps(ctx, state, [last])
  if (reverted === undefined || reverted.status !== 'reverted')
    return [...(reverted ? [reverted] : []), notRun(again)]
  const applied = new Map(state.applied)
  applied.delete(last.file.name)
  return [reverted, ...(await runSteps(ctx, { ...state, applied }, [again]))]
}
