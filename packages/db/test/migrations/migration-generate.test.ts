import { execFile } from 'node:child_process'
import * as fs from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { disposeAfterTest, tempDir, uniqueName } from '@mega/test-utils'
import { col } from '../../src/model/column.js'
import { defineModel } from '../../src/model/define-model.js'
import { generateMigration, renderMigration, toKebabCase } from '../../src/migrations/generate.js'
import { createJournal } from '../../src/migrations/journal.js'
import type { MigrationModule, MigrationOperation } from '../../src/migrations/migration-types.js'
import { scanModels } from '../../src/migrations/model-scan.js'
import { createMigrationSchema } from '../../src/migrations/schema-builder.js'

const noTs = { timestamps: false } as const
const Org = defineModel('orgs', { id: col.id('uuid'), name: col.string(100).unique() })
const User = defineModel(
  'users',
  {
    id: col.id(),
    email: col.string(255).unique(),
    role: col.enum(['user', "o'neil\\admin"]).default('user'),
    prefs: col.json().default({ theme: 'dark', 'odd-key': [1, null, true] }),
    orgId: col.references(() => Org).onDelete('cascade'),
  },
  { softDelete: true },
)
const at = (iso: string) => () => new Date(iso)
const first = at('2026-06-12T09:25:43.512Z')

async function record(file: string, direction: 'up' | 'down'): Promise<MigrationOperation[]> {
  const module = (await import(file)) as MigrationModule
  const schema = createMigrationSchema()
  await module[direction](schema)
  return [...schema.operations]
}

async function files(root: string): Promise<string[]> {
  const found = await fs.readdir(root, { recursive: true, withFileTypes: true })
  return found
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort()
}

describe('generateMigration', () => {
  it('writes the migration file, its history entry and the snapshot, stamped by the clock', async () => {
    const root = await tempDir()
    const result = await generateMigration({
      root,
      name: 'Create users',
      models: [Org, User],
      clock: first,
    })
    expect(result?.name).toBe('20260612092543-create-users')
    expect(result?.file).toBe(join(root, 'apps/main/migrations/20260612092543-create-users.ts'))
    expect(await files(root)).toEqual([
      '.mega/journal/history/20260612092543-create-users.json',
      '.mega/journal/snapshot.json',
      'apps/main/migrations/20260612092543-create-users.ts',
    ])
    const { schema } = scanModels([Org, User])
    const journal = createJournal(root)
    expect(await journal.readSnapshot()).toEqual(schema)
    expect(await journal.readHistory()).toEqual([
      { version: 1, name: result?.name, operations: result?.operations, snapshot: schema },
    ])
    expect(result?.operations.map((op) => op.op)).toEqual(['createTable', 'createTable'])
  })

  it('writes a module whose up and down record the generated operations', async () => {
    const root = await tempDir()
    const result = await generateMigration({
      root,
      app: 'shop',
      name: 'init',
      models: [Org, User],
      clock: first,
    })
    expect(result?.file).toContain(join('apps', 'shop', 'migrations'))
    const text = await fs.readFile(result!.file, 'utf8')
    expect(text).toContain("import type { MigrationSchema } from '@mega/db'")
    expect(text).toContain('export function up(schema: MigrationSchema): void {')
    expect(text).toContain('export function down(schema: MigrationSchema): void {')
    expect(await record(result!.file, 'up')).toEqual(result?.operations)
    expect(await record(result!.file, 'down')).toEqual(result?.down)
    expect(result?.down).toEqual([
      { op: 'dropTable', table: 'users', previous: expect.objectContaining({ name: 'users' }) },
      { op: 'dropTable', table: 'orgs', previous: expect.objectContaining({ name: 'orgs' }) },
    ])
  })

  it('returns null and writes nothing when the models match the snapshot', async () => {
    const root = await tempDir()
    await generateMigration({ root, name: 'init', models: [Org, User], clock: first })
    const before = await files(root)
    const again = await generateMigration({
      root,
      name: 'again',
      models: [Org, User],
      clock: at('2026-06-13T00:00:00Z'),
    })
    expect(again).toBeNull()
    expect(await files(root)).toEqual(before)
  })

  it('generates the next change against the snapshot, renames included', async () => {
    const root = await tempDir()
    const V1 = defineModel('people', { id: col.id(), name: col.string(50) }, noTs)
    const V2 = defineModel(
      'persons',
      { id: col.id(), fullName: col.string(80).renamedFrom('name'), age: col.integer().nullable() },
      { ...noTs, renamedFrom: 'people' },
    )
    await generateMigration({ root, name: 'init', models: [V1], clock: first })
    const next = await generateMigration({
      root,
      name: 'renameThings',
      models: [V2],
      clock: at('2026-06-12T10:00:00Z'),
    })
    expect(next?.name).toBe('20260612100000-rename-things')
    expect(next?.operations.map((op) => op.op)).toEqual([
      'renameTable',
      'renameColumn',
      'alterColumn',
      'addColumn',
    ])
    expect(await createJournal(root).readSnapshot()).toEqual(scanModels([V2]).schema)
    expect(await record(next!.file, 'down')).toEqual(next?.down)
  })

  it('refuses to overwrite or to write a migration that sorts before an existing one', async () => {
    const root = await tempDir()
    await generateMigration({ root, name: 'init', models: [Org], clock: first })
    const snapshot = await fs.readFile(createJournal(root).snapshotPath, 'utf8')
    const before = await files(root)
    for (const clock of [first, at('2026-01-01T00:00:00Z')])
      await expect(
        generateMigration({ root, name: 'init', models: [Org, User], clock }),
      ).rejects.toMatchObject({
        code: 'MEGA_DB_MIGRATION_INVALID',
        message: expect.stringMatching(/^Refusing to write migration/),
      })
    expect(await files(root)).toEqual(before)
    expect(await fs.readFile(createJournal(root).snapshotPath, 'utf8')).toBe(snapshot)
  })

  it('refuses destructive changes unless allowDestructive, writing nothing', async () => {
    const root = await tempDir()
    await generateMigration({ root, name: 'init', models: [Org, User], clock: first })
    const before = await files(root)
    const later = at('2026-06-14T00:00:00Z')
    await expect(
      generateMigration({ root, name: 'drop users', models: [Org], clock: later }),
    ).rejects.toMatchObject({
      code: 'MEGA_DB_MIGRATION_DESTRUCTIVE',
    })
    expect(await files(root)).toEqual(before)
    const dropped = await generateMigration({
      root,
      name: 'drop users',
      models: [Org],
      clock: later,
      allowDestructive: true,
    })
    expect(dropped?.operations.map((op) => op.op)).toEqual(['dropTable'])
  })

  it('validates its options, reporting every problem', async () => {
    await expect(
      generateMigration({ root: '', name: '!!', app: 'a b', models: [] }),
    ).rejects.toMatchObject({
      code: 'MEGA_CONFIG_INVALID',
      issues: [
        expect.objectContaining({ path: expect.stringContaining('root') }),
        expect.anything(),
        expect.anything(),
      ],
    })
  })

  it('writes a file that type-checks against MigrationSchema', { timeout: 60_000 }, async () => {
    const pkg = join(import.meta.dirname, '../..')
    const dir = join(pkg, uniqueName('.tmp-generated'))
    await fs.mkdir(dir)
    disposeAfterTest(() => fs.rm(dir, { recursive: true, force: true }))
    const { schema } = scanModels([Org, User])
    const ops: MigrationOperation[] = [
      ...Object.values(schema.tables).map((table) => ({ op: 'createTable' as const, table })),
      { op: 'renameTable', from: 'a', to: 'b' },
      {
        op: 'addColumn',
        table: 'b',
        column: { name: 'n', type: 'decimal', nullable: true, precision: 8, scale: 2 },
      },
      { op: 'renameColumn', table: 'b', from: 'n', to: 'm' },
      {
        op: 'alterColumn',
        table: 'b',
        from: { name: 'm', type: 'integer', nullable: true },
        to: { name: 'm', type: 'bigint', nullable: false, default: '0' },
      },
      { op: 'createIndex', table: 'b', index: { name: 'b_m_idx', columns: ['m'], unique: false } },
      { op: 'dropIndex', table: 'b', index: { name: 'b_m_idx', columns: ['m'], unique: false } },
      {
        op: 'dropColumn',
        table: 'b',
        column: 'm',
        previous: { name: 'm', type: 'bigint', nullable: false },
      },
      {
        op: 'dropTable',
        table: 'b',
        previous: { name: 'b', columns: [], primaryKey: 'id', indexes: [] },
      },
      { op: 'raw', sql: "select 'x'", dialect: 'postgres' },
    ]
    await fs.writeFile(join(dir, 'migration.ts'), renderMigration(ops, [], new Date(0)))
    const tsconfig = {
      extends: '../../../tsconfig.base.json',
      compilerOptions: {
        noEmit: true,
        types: [],
        paths: { '@mega/db': ['../src/migrations/migration-types.ts'] },
      },
      files: ['migration.ts'],
    }
    await fs.writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig))
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    const run = promisify(execFile)(process.execPath, [tsc, '-p', dir])
    await expect(run).resolves.toMatchObject({ stdout: '' })
  })
})

describe('toKebabCase', () => {
  it.each([
    ['Create users', 'create-users'],
    ['addUserAge', 'add-user-age'],
    ['  drop__old  table!', 'drop-old-table'],
  ])('%s → %s', (input, expected) => {
    expect(toKebabCase(input)).toBe(expected)
  })
})
