// `mega destroy`: take back the last generated migration before it ran anywhere. The file, its
// history entry and the snapshot go back to how they were before `generateMigration` wrote them, so
// the next generated migration diffs against the right schema.
import * as nodeFs from 'node:fs/promises'
import { join } from 'node:path'
import { dbError } from '../errors.js'
import { createJournal, writeFileAtomic, type HistoryEntry, type JournalFs } from './journal.js'
import { DEFAULT_MIGRATION_APP, MIGRATION_FILE_PATTERN, migrationsDir } from './migration-files.js'
import type { DatabaseSchema } from './migration-types.js'
import type { Migrator } from './migrator-config.js'

/** Options of {@link removeLastMigration}. */
export interface RemoveLastMigrationOptions {
  /** The project root (holds `apps/` and `.mega/`). */
  readonly root: string
  /** The app whose `migrations/` folder holds the file. @default 'main' */
  readonly app?: string
  /** The migration: `<14 digits>-<kebab-name>`, the file name without extension. */
  readonly name: string
  /** Tells whether the migration is applied: the app's migrator, connected to its database. */
  readonly migrator: Pick<Migrator, 'status'>
  /** Check everything and report what would be removed, removing nothing. @default false */
  readonly dryRun?: boolean
  /** The file system. @default node:fs/promises */
  readonly fs?: JournalFs
}

/** What {@link removeLastMigration} removed (or, with `dryRun`, would remove). */
export interface RemovedMigration {
  readonly name: string
  /** Absolute path of the migration file. */
  readonly file: string
  /** Absolute path of its history entry; `undefined` for a hand-written migration (none). */
  readonly historyFile: string | undefined
  /**
   * The snapshot as restored: the previous entry's; `undefined` when the snapshot file was removed
   * (the migration was the first: no snapshot reads as the empty schema) or left alone (no entry).
   */
  readonly snapshot: DatabaseSchema | undefined
}

async function readdirOptional(fs: JournalFs, dir: string): Promise<string[]> {
  return fs.readdir(dir).catch((error: unknown) => {
    if ((error as { code?: unknown } | null)?.code === 'ENOENT') return []
    throw error
  })
}

function notRemovable(name: string, why: string, reason: 'applied' | 'not-last' | 'not-found') {
  return dbError('MEGA_DB_MIGRATION_KEPT', `Migration ${name} was not removed: ${why}`, {
    details: { name, reason },
  })
}

/** The file of `name` in the app's folder, and the name of every migration after it. */
async function locate(fs: JournalFs, dir: string, name: string, history: readonly HistoryEntry[]) {
  const files = (await readdirOptional(fs, dir)).filter((f) => MIGRATION_FILE_PATTERN.test(f))
  const file = files.find((f) => f.replace(MIGRATION_FILE_PATTERN, '$1') === name)
  const names = [
    ...files.map((f) => f.replace(MIGRATION_FILE_PATTERN, '$1')),
    ...history.map((e) => e.name),
  ]
  return { file, later: [...new Set(names.filter((n) => n > name))].sort() }
}

/**
 * Removes the last migration of an app while no database has applied it: its file
 * (`apps/<app>/migrations/<name>.ts`), its history entry, and the snapshot goes back to the previous
 * entry's (so the models' next diff is against the schema before it). A hand-written migration (no
 * history entry) loses its file only. Refuses with `MEGA_DB_MIGRATION_KEPT` (changing nothing) when
 * the app has no such migration file, it is not the last one (of the app's files and the project's journal), or the migrator's `status()` does not report it
 * `pending`.
 *
 * @example
 * const migrator = createMigrator({ db, root: process.cwd() })
 * await removeLastMigration({ root: process.cwd(), name: '20260612092543-create-posts', migrator })
 */
export async function removeLastMigration(
  options: RemoveLastMigrationOptions,
): Promise<RemovedMigration> {
  const { root, name } = options
  const fs = options.fs ?? nodeFs
  const dir = migrationsDir(root, options.app ?? DEFAULT_MIGRATION_APP)
  const journal = createJournal(root, { fs })
  const history = await journal.readHistory()
  const index = history.findIndex((e) => e.name === name)
  const { file, later } = await locate(fs, dir, name, history)
  if (file === undefined)
    throw notRemovable(name, `there is no such migration file in ${dir}.`, 'not-found')
  if (later.length > 0)
    throw notRemovable(
      name,
      `${later.join(', ')} came after it: only the last migration can be taken back; generate a new migration that undoes it instead.`,
      'not-last',
    )
  const status = (await options.migrator.status()).find((r) => r.name === name)?.status
  if (status !== undefined && status !== 'pending')
    throw notRemovable(
      name,
      `the database reports it ${status}: revert it first (mega migrate down), or generate a new migration that undoes it.`,
      'applied',
    )
  const entry = index < 0 ? undefined : history[index]
  const previous = index > 0 ? history[index - 1] : undefined
  const removed: RemovedMigration = {
    name,
    file: join(dir, file),
    historyFile: entry === undefined ? undefined : join(journal.historyDir, `${name}.json`),
    snapshot: entry === undefined ? undefined : previous?.snapshot,
  }
  if (options.dryRun !== true) await remove(fs, journal.snapshotPath, removed, entry)
  return removed
}

async function remove(
  fs: JournalFs,
  snapshotPath: string,
  removed: RemovedMigration,
  entry: HistoryEntry | undefined,
): Promise<void> {
  if (entry !== undefined) {
    if (removed.snapshot === undefined) await fs.unlink(snapshotPath).catch(ignoreMissing)
    else
      await writeFileAtomic(
        fs,
        snapshotPath,
        `${JSON.stringify(removed.snapshot, null, 2)}\n`,
        true,
      )
    await fs.unlink(removed.historyFile!)
  }
  await fs.unlink(removed.file)
}

function ignoreMissing(error: unknown): void {
  if ((error as { code?: unknown } | null)?.code !== 'ENOENT') throw error
}
