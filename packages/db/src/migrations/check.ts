// `mega migrate check`: are the models covered by the committed snapshot (that is, by the generated
// migrations)? CI runs it so a model change without its migration fails the build.
import { dbError } from '../errors.js'
import { diffSchemas } from './differ.js'
import { createJournal, type JournalFs } from './journal.js'
import { loadModels, type ModelImporter } from './load-models.js'
import { DEFAULT_MIGRATION_APP } from './migration-files.js'
import type { MigrationOperation } from './migration-types.js'
import { scanModels, type ScannableModel } from './model-scan.js'

/** Options of {@link checkMigrations}. */
export interface CheckMigrationsOptions {
  /** The project root (holds `apps/` and `.mega/`). */
  readonly root: string
  /** The app whose models are read when `models` is not given. @default 'main' */
  readonly app?: string
  /** The models. @default the exports of `apps/<app>/models/*-model.{js,ts}` */
  readonly models?: readonly ScannableModel[]
  /** Imports model files when `models` is not given. @default dynamic `import()` */
  readonly importer?: ModelImporter
  /** The file system. @default node:fs/promises */
  readonly fs?: JournalFs
}

/** What {@link checkMigrations} found. */
export interface CheckMigrationsResult {
  /** `true` when the models match the snapshot: no migration is missing. */
  readonly upToDate: boolean
  /** The operations a new migration would hold (destructive ones included). */
  readonly operations: readonly MigrationOperation[]
  /** One line per operation, e.g. `add column users.age`. */
  readonly changes: readonly string[]
}

/**
 * Compares the models with the committed snapshot without writing anything.
 *
 * @example
 * const { upToDate, changes } = await checkMigrations({ root: process.cwd() })
 * if (!upToDate) console.error(`Models changed without a migration:\n${changes.join('\n')}`)
 */
export async function checkMigrations(
  options: CheckMigrationsOptions,
): Promise<CheckMigrationsResult> {
  const app = options.app ?? DEFAULT_MIGRATION_APP
  const models =
    options.models ??
    (await loadModels({
      root: options.root,
      app,
      ...(options.importer === undefined ? {} : { importer: options.importer }),
    }))
  const { schema, renames } = scanModels(models)
  const journal = createJournal(options.root, options.fs === undefined ? {} : { fs: options.fs })
  const operations = diffSchemas(await journal.readSnapshot(), schema, {
    renames,
    allowDestructive: true,
  })
  return {
    upToDate: operations.length === 0,
    operations,
    changes: operations.map(describeOperation),
  }
}

/**
 * Like {@link checkMigrations}, but throws `MEGA_DB_MIGRATION_UNCOVERED` (one issue per change)
 * when a migration is missing: what `mega migrate check` exits non-zero with.
 *
 * @example
 * await assertMigrationsCovered({ root: process.cwd() })
 */
export async function assertMigrationsCovered(options: CheckMigrationsOptions): Promise<void> {
  const result = await checkMigrations(options)
  if (result.upToDate) return
  throw dbError(
    'MEGA_DB_MIGRATION_UNCOVERED',
    `The models changed without a migration (${result.changes.join('; ')}). Run \`mega migrate make <name>\` and commit the migration and .mega/journal.`,
    {
      issues: result.operations.map((op, i) => ({
        path: 'table' in op ? (typeof op.table === 'string' ? op.table : op.table.name) : op.op,
        message: result.changes[i] ?? op.op,
      })),
    },
  )
}

/**
 * One line describing an operation, for messages, `check` output and dry runs.
 *
 * @example
 * describeOperation({ op: 'renameTable', from: 'people', to: 'users' }) // 'rename table people → users'
 */
export function describeOperation(op: MigrationOperation): string {
  switch (op.op) {
    case 'createTable':
      return `create table ${op.table.name}`
    case 'dropTable':
      return `drop table ${op.table}`
    case 'renameTable':
      return `rename table ${op.from} → ${op.to}`
    case 'addColumn':
      return `add column ${op.table}.${op.column.name}`
    case 'dropColumn':
      return `drop column ${op.table}.${op.column}`
    case 'renameColumn':
      return `rename column ${op.table}.${op.from} → ${op.to}`
    case 'alterColumn':
      return `alter column ${op.table}.${op.to.name}`
    case 'createIndex':
      return `create index ${op.index.name} on ${op.table}`
    case 'dropIndex':
      return `drop index ${op.index.name} on ${op.table}`
    case 'rebuildTable':
      return `rebuild table ${op.table}`
    case 'raw':
      return `raw SQL${op.dialect ? ` (${op.dialect})` : ''}`
  }
}
