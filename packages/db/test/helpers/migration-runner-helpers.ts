import { pathToFileURL } from 'node:url'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ColumnSchema, TableSchema } from '../../src/migrations/migration-types.js'

/** A table with a string primary key `id` and a nullable `label`: plain on every dialect. */
export function simpleTable(name: string): TableSchema {
  const columns: ColumnSchema[] = [
    { name: 'id', type: 'string', length: 36, nullable: false },
    { name: 'label', type: 'string', length: 100, nullable: true },
  ]
  return { name, columns, primaryKey: 'id', indexes: [] }
}

/** The text of a migration that creates `table` (and drops it on `down`), then runs `extra` raw SQL. */
export function createTableMigration(table: string, extra: readonly string[] = []): string {
  const literal = JSON.stringify(simpleTable(table))
  const raws = extra.map((s) => `  schema.raw(${JSON.stringify(s)})\n`).join('')
  return [
    `export function up(schema) {\n  schema.createTable(${literal})\n${raws}}`,
    `export function down(schema) {\n  schema.dropTable(${JSON.stringify(table)}, ${literal})\n}`,
    '',
  ].join('\n')
}

/** The text of a migration made only of raw SQL. */
export function rawMigration(up: readonly string[], down: readonly string[] = []): string {
  const calls = (list: readonly string[]) =>
    list.map((s) => `  schema.raw(${JSON.stringify(s)})\n`).join('')
  return `export function up(schema) {\n${calls(up)}}\nexport function down(schema) {\n${calls(down)}}\n`
}

/** Writes `apps/<app>/migrations/<name>.mjs` for each entry; returns the folder. */
export async function writeMigrations(
  root: string,
  files: Readonly<Record<string, string>>,
  app = 'main',
): Promise<string> {
  const dir = join(root, 'apps', app, 'migrations')
  await mkdir(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, `${name}.mjs`), text)
  return dir
}

let imports = 0

/**
 * Imports a migration file afresh on every call, as each `mega migrate` process does: a test that
 * rewrites an applied migration must not get the module cached from the first import.
 */
export function importFresh(file: string): Promise<unknown> {
  imports += 1
  return import(`${pathToFileURL(file).href}?run=${imports}`)
}
