// Hand-written: the rows of the lookup tables. Plain SQL that PostgreSQL, MariaDB and SQLite all
// accept (ids and timestamps come from the column defaults). Once applied, a migration must not
// change (the runner checks its checksum): add a new one instead.
import type { MigrationSchema } from '@mega/db'

const LEVELS = [
  ['basic', 'Basic', 1],
  ['silver', 'Silver', 2],
  ['gold', 'Gold', 3],
] as const

const TYPES = [
  ['member', 'Member'],
  ['staff', 'Staff'],
  ['bot', 'Bot'],
] as const

export function up(schema: MigrationSchema): void {
  for (const [code, name, order] of LEVELS)
    schema.raw(
      `INSERT INTO user_levels (code, name, sort_order) VALUES ('${code}', '${name}', ${order})`,
    )
  for (const [code, name] of TYPES)
    schema.raw(`INSERT INTO user_types (code, name) VALUES ('${code}', '${name}')`)
}

export function down(schema: MigrationSchema): void {
  const list = (rows: readonly (readonly [string, ...unknown[]])[]) =>
    rows.map(([code]) => `'${code}'`).join(', ')
  schema.raw(`DELETE FROM user_types WHERE code IN (${list(TYPES)})`)
  schema.raw(`DELETE FROM user_levels WHERE code IN (${list(LEVELS)})`)
}
