// Hand-written: SQLite databases created before @mega/db declared `increment` ids AUTOINCREMENT kept
// the old `integer PRIMARY KEY`, which hands a deleted row's id to the next insert (a deleted user's
// id to the next sign-up). Rebuilding the tables gives them the current DDL, keeping rows, indexes,
// foreign keys and the id counter. A fresh database already has it (this is then a plain copy);
// PostgreSQL never reuses ids, and `rebuildTable` emits nothing there. The schema does not change.
import type { MigrationSchema } from '@mega/db'

const TABLES = ['users', 'wallets', 'sessions', 'boards', 'notes', 'logs'] as const

export function up(schema: MigrationSchema): void {
  for (const table of TABLES) schema.rebuildTable(table)
}

export function down(): void {
  // Nothing to undo: the schema is unchanged, and ids are never handed out twice either way.
}
