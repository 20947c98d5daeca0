// The migration side of `mega destroy`: find the migration a generator made, ask the database
// whether it ran, and let `@mega/db`'s removeLastMigration take it back (the CLI never edits the
// journal itself). When the database does not answer, the migration is kept, with a warning.
import { readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { MegaError } from '@mega/observe'
import { cliError, type CliErrorCode } from '../errors.js'
import {
  connectProjectDb,
  projectMigrator,
  type ConnectDb,
  type DbModule,
} from '../internal/project-db.js'
import { toKebab } from '../internal/names.js'

/** What became of the migration a destroy looked at. */
export interface DestroyedMigration {
  /** The migration's file, relative to the root. */
  readonly file: string
  /** `removed` (or would be, with `dryRun`), else why it was kept. */
  readonly outcome: 'removed' | 'applied' | 'not-last' | 'unreachable'
  /** The journal files changed with it (relative): its history entry, the snapshot. */
  readonly journal: readonly string[]
  /** Why it was kept, as the database or `@mega/db` said it. */
  readonly reason?: string
  /** The code of the warning to print: `MEGA_CLI_DATABASE_UNREACHABLE` when the database did not answer. */
  readonly warning?: CliErrorCode
}

/** How the migration of a destroy is found and checked. */
export interface DestroyMigrationInput {
  readonly root: string
  readonly app: string
  readonly db: DbModule
  readonly connect?: ConnectDb
  readonly dryRun: boolean
}

/** The migration names of the app's files (the journal is the project's: not every entry is its). */
async function migrationNames(input: DestroyMigrationInput): Promise<string[]> {
  const files = await readdir(join(input.root, 'apps', input.app, 'migrations')).catch(
    () => [] as string[],
  )
  const pattern = input.db.MIGRATION_FILE_PATTERN
  return files
    .filter((f) => pattern.test(f))
    .map((f) => f.replace(pattern, '$1'))
    .sort()
}

/** The newest migration whose operations create `table`, or `undefined`. */
export async function findCreatingMigration(
  input: DestroyMigrationInput,
  table: string,
): Promise<string | undefined> {
  const history = await input.db.createJournal(input.root).readHistory()
  const creates = history.filter((e) =>
    e.operations.some((op) => op.op === 'createTable' && op.table.name === table),
  )
  const name = creates.at(-1)?.name
  return name !== undefined && (await migrationNames(input)).includes(name) ? name : undefined
}

/** The migration `ref` names: its full name, its 14-digit stamp, or its name without the stamp. */
export async function findNamedMigration(
  input: DestroyMigrationInput,
  ref: string,
): Promise<string | undefined> {
  const names = await migrationNames(input)
  const kebab = toKebab(ref)
  return names.filter((n) => n === ref || n.slice(0, 14) === ref || n.slice(15) === kebab).at(-1)
}

function keptReason(error: unknown): DestroyedMigration['outcome'] | undefined {
  if (!MegaError.is(error) || error.code !== 'MEGA_DB_MIGRATION_KEPT') return undefined
  const reason = (error.details as { reason?: unknown } | undefined)?.reason
  return reason === 'applied' || reason === 'not-last' ? reason : undefined
}

/**
 * Takes back migration `name` through `@mega/db`'s `removeLastMigration` when it is the last and no
 * database applied it; otherwise reports why it stays. A database that cannot be reached keeps it.
 */
export async function destroyMigration(
  input: DestroyMigrationInput,
  name: string,
): Promise<DestroyedMigration> {
  const { root, app, db } = input
  if (typeof db.removeLastMigration !== 'function')
    throw cliError(
      'MEGA_CLI_NOT_AVAILABLE',
      'Taking back a migration needs removeLastMigration() from @mega/db, which this @mega/db does not export yet: update @mega/db (and @mega/cli).',
    )
  const file = relative(root, join(root, 'apps', app, 'migrations', `${name}.ts`))
  let database: Awaited<ReturnType<ConnectDb>>
  try {
    database = await (input.connect ?? connectProjectDb)(root)
  } catch (error) {
    const reason = MegaError.is(error) ? `${error.message} (${error.code})` : String(error)
    return {
      file,
      outcome: 'unreachable',
      journal: [],
      reason,
      warning: 'MEGA_CLI_DATABASE_UNREACHABLE',
    }
  }
  try {
    const migrator = projectMigrator(db, database, root, app)
    const removed = await db.removeLastMigration({
      root,
      app,
      name,
      migrator,
      dryRun: input.dryRun,
    })
    const snapshot = relative(root, db.createJournal(root).snapshotPath)
    return {
      file: relative(root, removed.file),
      outcome: 'removed',
      journal:
        removed.historyFile === undefined ? [] : [relative(root, removed.historyFile), snapshot],
    }
  } catch (error) {
    const outcome = keptReason(error)
    if (outcome === undefined) throw error
    return { file, outcome, journal: [], reason: (error as Error).message }
  } finally {
    await database.close()
  }
}
