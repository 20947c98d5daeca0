// What every migration runner shares, whatever it migrates: read the files, record their `up`
// operations, refuse drift, pick the steps of `up`/`down`/`redo`, replay the schema before each step,
// run the steps one after the other and report one result per migration (Kysely's Migrator is the
// model). A runner supplies a MigrationTarget: how to compile, execute, book-keep and lock.
import { performance } from 'node:perf_hooks'
import type { MegaIssue } from '@mega/observe'
import { dbError } from '../errors.js'
import { driftIssues, type AppliedMigration } from './migration-bookkeeping.js'
import { fingerprint } from './migration-fingerprint.js'
import {
  loadMigrationFiles,
  type MigrationFile,
  type MigrationFileSystem,
  type MigrationImporter,
} from './migration-files.js'
import type { DatabaseSchema, MigrationOperation, MigrationResult } from './migration-types.js'
import type { Migrator } from './migrator-config.js'
import { applyOperation, EMPTY_SCHEMA, type RecordingMigrationSchema } from './schema-builder.js'

/** What a runner does with a database; `C` is one compiled command (a SQL string, a Mongo command). */
export interface MigrationTarget<C> {
  /** The database kind, for messages: `postgres`, `mongo`... */
  readonly label: string
  /** The commands of one operation, given the schema before it. */
  compile(operation: MigrationOperation, schema: DatabaseSchema): readonly C[]
  /** How a command shows in {@link MigrationResult.statements}. */
  show(command: C): string
  /** The bookkeeping records by name (none when the bookkeeping store does not exist). */
  readApplied(): Promise<ReadonlyMap<string, AppliedMigration>>
  /** Takes the migration lock and creates the bookkeeping store; resolves to the lock's release. */
  begin(): Promise<() => Promise<void>>
  /** `true` when a step with these commands runs as one unit: a failure keeps nothing of it. */
  atomic(commands: readonly C[]): boolean
  /** Why a step that is not atomic keeps what ran before a failure (`maria commits DDL as it runs`). */
  readonly partialReason: string
  /** Runs `fn` (the commands and the bookkeeping of a step) in a transaction when `atomic`. */
  unit(commands: readonly C[], fn: () => Promise<void>): Promise<void>
  execute(command: C): Promise<void>
  /** Records an applied migration. */
  record(row: AppliedMigration): Promise<void>
  /** Forgets a reverted migration. */
  forget(name: string): Promise<void>
  /** A driver error as a MegaError. */
  mapError(err: unknown): unknown
}

/** What the shared steps need besides the target. */
export interface RunContext<C> {
  readonly target: MigrationTarget<C>
  readonly clock: () => Date
  readonly createSchema: () => RecordingMigrationSchema
  readonly load: () => Promise<MigrationFile[]>
}

/**
 * The loader of a migrator's files, from its parsed options (seams passed on only when set).
 *
 * @example
 * const load = migrationLoader({ root: process.cwd(), app: 'main' })
 */
export function migrationLoader(options: {
  readonly root: string
  readonly app: string
  readonly importer?: MigrationImporter | undefined
  readonly fs?: MigrationFileSystem | undefined
}): () => Promise<MigrationFile[]> {
  const { root, app, importer, fs } = options
  return () =>
    loadMigrationFiles({
      ...{ root, app },
      ...(importer === undefined ? {} : { importer }),
      ...(fs === undefined ? {} : { fs }),
    })
}

/** Waits `ms` with setTimeout: the default `sleep` between lock attempts. */
export function sleepFor(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms))
}

/** The files, their recorded `up` operations, and what the database has applied. */
interface State {
  readonly files: readonly MigrationFile[]
  readonly ups: readonly (readonly MigrationOperation[])[]
  readonly applied: ReadonlyMap<string, AppliedMigration>
}

interface Step {
  readonly file: MigrationFile
  readonly direction: 'up' | 'down'
  /** Index of the file: its `up` needs the schema after the files before it. */
  readonly index: number
}

type Ctx = RunContext<unknown>

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
  const commands: unknown[] = []
  let schema = before
  for (const operation of operations) {
    commands.push(...ctx.target.compile(operation, schema))
    schema = applyOperation(schema, operation)
  }
  return commands
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

async function loadState(ctx: Ctx, files: readonly MigrationFile[], ups: State['ups']) {
  const state: State = { files, ups, applied: await ctx.target.readApplied() }
  assertNoDrift(state)
  return state
}

async function stepCommands(ctx: Ctx, state: State, step: Step): Promise<unknown[]> {
  if (step.direction === 'up')
    return compile(ctx, state.ups[step.index] ?? [], schemaAfter(state, step.index))
  return compile(ctx, await record(ctx, step.file, 'down'), schemaAfter(state, step.index + 1))
}

function failure(ctx: Ctx, step: Step, done: number, commands: readonly unknown[], err: unknown) {
  const kept =
    ctx.target.atomic(commands) || done === 0
      ? 'nothing of it was kept'
      : `${ctx.target.partialReason}, so its first ${done} statement(s) stay applied: undo them by hand`
  const next = commands[done]
  const at = next === undefined ? '' : ` at statement ${done + 1} (${ctx.target.show(next)})`
  return dbError(
    'MEGA_DB_MIGRATION_FAILED',
    `Migration ${step.file.name} (${step.direction}) failed${at}: ${messageOf(err)}; ${kept}. Fix the migration and run again.`,
    {
      cause: err,
      details: { migration: step.file.name, direction: step.direction, statement: done + 1 },
    },
  )
}

async function bookkeep(ctx: Ctx, step: Step, batch: number): Promise<void> {
  const { name, checksum } = step.file
  if (step.direction === 'down') return ctx.target.forget(name)
  await ctx.target.record({ name, checksum, applied_at: ctx.clock().toISOString(), batch })
}

async function runStep(ctx: Ctx, state: State, step: Step, batch: number) {
  const started = performance.now()
  const base = { name: step.file.name, direction: step.direction }
  let commands: unknown[] = []
  let done = 0
  const apply = async (): Promise<void> => {
    done = 0 // a transaction the driver retries starts again
    for (const command of commands) {
      await ctx.target.execute(command)
      done += 1
    }
    await bookkeep(ctx, step, batch)
  }
  const statements = () => commands.map((c) => ctx.target.show(c))
  try {
    commands = await stepCommands(ctx, state, step)
    await ctx.target.unit(commands, apply)
  } catch (err) {
    const error = failure(ctx, step, done, commands, ctx.target.mapError(err))
    const durationMs = performance.now() - started
    return { ...base, status: 'failed' as const, statements: statements(), error, durationMs }
  }
  const status = step.direction === 'up' ? ('applied' as const) : ('reverted' as const)
  return { ...base, status, statements: statements(), durationMs: performance.now() - started }
}

function notRun(step: Step): MigrationResult {
  return { name: step.file.name, direction: step.direction, status: 'not-run', statements: [] }
}

async function runSteps(ctx: Ctx, state: State, steps: readonly Step[]) {
  const batch = Math.max(0, ...[...state.applied.values()].map((r) => r.batch)) + 1
  const results: MigrationResult[] = []
  for (const step of steps) {
    const failed = results.some((r) => r.status === 'failed')
    results.push(failed ? notRun(step) : await runStep(ctx, state, step, batch))
  }
  return results
}

async function dryRun(ctx: Ctx, state: State, steps: readonly Step[]) {
  const results: MigrationResult[] = []
  for (const step of steps) {
    const base = { name: step.file.name, direction: step.direction }
    try {
      const statements = (await stepCommands(ctx, state, step)).map((c) => ctx.target.show(c))
      results.push({ ...base, status: 'pending', statements })
    } catch (err) {
      const error = failure(ctx, step, 0, [], err)
      results.push({ ...base, status: 'failed', statements: [], error })
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

/** Loads the files, then (unless dry) takes the lock, reads the applied records and runs `plan`. */
/** The migration files, each with the checksum of what it does (see `fingerprint`). */
async function loadFiles(ctx: Ctx): Promise<MigrationFile[]> {
  const files = await ctx.load()
  return Promise.all(files.map((file) => fingerprint(file, ctx.createSchema)))
}

/**
 * Rows recorded with a migration's text checksum (before operation checksums) whose text is
 * unchanged get the operations checksum, so the file may be reformatted from now on.
 */
async function upgradeChecksums(ctx: Ctx, state: State): Promise<State> {
  const applied = new Map(state.applied)
  for (const file of state.files) {
    const row = applied.get(file.name)
    if (row === undefined || row.checksum === file.checksum || row.checksum !== file.textChecksum)
      continue
    const upgraded = { ...row, checksum: file.checksum }
    await ctx.target.unit([], async () => {
      await ctx.target.forget(row.name)
      await ctx.target.record(upgraded)
    })
    applied.set(file.name, upgraded)
  }
  return { ...state, applied }
}

async function session(
  ctx: Ctx,
  dry: boolean,
  plan: (state: State) => Promise<MigrationResult[]>,
): Promise<MigrationResult[]> {
  const files = await loadFiles(ctx)
  const ups = await recordUps(ctx, files)
  if (dry) return plan(await loadState(ctx, files, ups))
  const release = await ctx.target.begin()
  try {
    return await plan(await upgradeChecksums(ctx, await loadState(ctx, files, ups)))
  } finally {
    await release()
  }
}

async function status(ctx: Ctx): Promise<MigrationResult[]> {
  const files = await loadFiles(ctx)
  const applied = await ctx.target.readApplied()
  const drift = new Map(driftIssues(files, applied).map((i) => [i.path, i]))
  const names = [...new Set([...files.map((f) => f.name), ...applied.keys()])].sort()
  return names.map((name) => {
    const issue = drift.get(name)
    const base = { name, direction: 'up' as const, statements: [] }
    const error =
      issue && dbError('MEGA_DB_MIGRATION_DRIFT', `${name} ${issue.message}.`, { issues: [issue] })
    const status = applied.has(name) ? ('applied' as const) : ('pending' as const)
    return error === undefined ? { ...base, status } : { ...base, status, error }
  })
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

/**
 * The {@link Migrator} over a target: `up`, `down`, `redo` and `status` with drift refused before
 * anything runs, the lock taken for each run but dry runs, and one result per migration.
 *
 * @example
 * const migrator = createStepMigrator({ target, clock, createSchema, load })
 * const results = await migrator.up({ dryRun: true })
 */
export function createStepMigrator<C>(context: RunContext<C>): Migrator {
  const ctx = context as unknown as Ctx
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
