// The bookkeeping table of the runner: one row per applied migration (name, checksum, applied_at,
// batch), and the drift check that compares those rows with the files.
import type { MegaIssue } from '@mega/observe'
import type { SqlDatabase } from '../sql/sql-types.js'
import type { MigrationFile } from './migration-files.js'

/** A row of the bookkeeping table. */
export interface AppliedMigration {
  readonly name: string
  /** sha256 of the file text when it was applied. */
  readonly checksum: string
  /** ISO 8601, UTC. */
  readonly applied_at: string
  /** Migrations applied by the same run share a batch number. */
  readonly batch: number
}

type Bookkeeping = Record<string, AppliedMigration>

/** Creates the bookkeeping table when it does not exist. */
export async function ensureMigrationsTable(db: SqlDatabase, table: string): Promise<void> {
  await db
    .kysely()
    .schema.createTable(table)
    .ifNotExists()
    .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('checksum', 'varchar(64)', (c) => c.notNull())
    .addColumn('applied_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('batch', 'integer', (c) => c.notNull())
    .execute()
}

/** The applied migrations by name; none when the table does not exist (it is not created). */
export async function readAppliedMigrations(
  db: SqlDatabase,
  table: string,
): Promise<Map<string, AppliedMigration>> {
  const tables = await db.kysely().introspection.getTables()
  if (!tables.some((t) => t.name === table)) return new Map()
  const rows = await db
    .kysely<Bookkeeping>()
    .selectFrom(table)
    .select(['name', 'checksum', 'applied_at', 'batch'])
    .orderBy('name')
    .execute()
  return new Map(rows.map((row) => [row.name, { ...row, batch: Number(row.batch) }]))
}

/** Records an applied migration (inside its transaction, where the dialect has one). */
export async function insertAppliedMigration(
  db: SqlDatabase,
  table: string,
  row: AppliedMigration,
): Promise<void> {
  await db.kysely<Bookkeeping>().insertInto(table).values(row).execute()
}

/** Forgets a reverted migration. */
export async function deleteAppliedMigration(
  db: SqlDatabase,
  table: string,
  name: string,
): Promise<void> {
  await db.kysely<Bookkeeping>().deleteFrom(table).where('name', '=', name).execute()
}

/**
 * One issue per applied migration whose file is missing or whose checksum changed: the row holds
 * the checksum of the operations (or, if applied before those existed, of the text) and neither
 * matches.
 */
export function driftIssues(
  files: readonly MigrationFile[],
  applied: ReadonlyMap<string, AppliedMigration>,
): MegaIssue[] {
  const byName = new Map(files.map((f) => [f.name, f]))
  const issues: MegaIssue[] = []
  for (const row of applied.values()) {
    const file = byName.get(row.name)
    if (file === undefined)
      issues.push({ path: row.name, message: 'was applied but its file is missing: restore it' })
    else if (file.checksum !== row.checksum && file.textChecksum !== row.checksum)
      issues.push({
        path: row.name,
        message:
          'was edited after it was applied: restore it and write a new migration for the change',
      })
  }
  return issues
}
