import * as fs from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '@mega/test-utils'
import { col } from '../../src/model/column.js'
import { defineModel } from '../../src/model/define-model.js'
import { generateMigration } from '../../src/migrations/generate.js'
import { createJournal } from '../../src/migrations/journal.js'
import type { MigrationResult, MigrationStatus } from '../../src/migrations/migration-types.js'
import { removeLastMigration } from '../../src/migrations/remove-migration.js'

const Post = defineModel('posts', { id: col.id(), title: col.string(100) }, { timestamps: false })
const Tag = defineModel('tags', { id: col.id(), label: col.string(40) }, { timestamps: false })
const at = (iso: string) => () => new Date(iso)

/** A migrator whose status() reports the given migrations (the rest are not in the database). */
function statusOf(entries: Record<string, MigrationStatus>) {
  return {
    status: async (): Promise<MigrationResult[]> =>
      Object.entries(entries).map(([name, status]) => ({
        name,
        status,
        direction: 'up',
        statements: [],
      })),
  }
}

async function twoMigrations() {
  const root = await tempDir()
  const first = await generateMigration({
    root,
    name: 'create posts',
    models: [Post],
    clock: at('2026-06-12T09:25:43Z'),
  })
  const second = await generateMigration({
    root,
    name: 'create tags',
    models: [Post, Tag],
    clock: at('2026-06-12T09:30:00Z'),
  })
  return { root, first: first!, second: second! }
}

describe('removeLastMigration', () => {
  it('removes the last pending migration, its entry, and puts the previous snapshot back', async () => {
    const { root, first, second } = await twoMigrations()
    const journal = createJournal(root)
    const migrator = statusOf({ [first.name]: 'applied', [second.name]: 'pending' })
    const removed = await removeLastMigration({ root, name: second.name, migrator })
    expect(removed).toMatchObject({ file: second.file, historyFile: second.historyFile })
    await expect(fs.access(second.file)).rejects.toThrow()
    expect((await journal.readHistory()).map((e) => e.name)).toEqual([first.name])
    expect(await journal.readSnapshot()).toEqual((await journal.readHistory())[0]!.snapshot)
    // The next generate sees the tags table as new again.
    const again = await generateMigration({
      root,
      name: 'create tags',
      models: [Post, Tag],
      clock: at('2026-06-12T09:31:00Z'),
    })
    expect(again?.operations.map((op) => op.op)).toEqual(['createTable'])
  })

  it('removes the snapshot with the first migration, so the journal is empty again', async () => {
    const root = await tempDir()
    const made = (await generateMigration({ root, name: 'create posts', models: [Post] }))!
    await removeLastMigration({ root, name: made.name, migrator: statusOf({}) })
    expect(await fs.readdir(join(root, '.mega/journal/history'))).toEqual([])
    await expect(fs.access(join(root, '.mega/journal/snapshot.json'))).rejects.toThrow()
    expect(await fs.readdir(join(root, 'apps/main/migrations'))).toEqual([])
  })

  it('changes nothing with dryRun', async () => {
    const { root, second } = await twoMigrations()
    const snapshot = await fs.readFile(join(root, '.mega/journal/snapshot.json'), 'utf8')
    const removed = await removeLastMigration({
      root,
      name: second.name,
      migrator: statusOf({}),
      dryRun: true,
    })
    expect(removed.file).toBe(second.file)
    await fs.access(second.file)
    await fs.access(second.historyFile)
    expect(await fs.readFile(join(root, '.mega/journal/snapshot.json'), 'utf8')).toBe(snapshot)
  })

  it('refuses (changing nothing) an applied migration, one that is not last, or none', async () => {
    const { root, first, second } = await twoMigrations()
    const applied = removeLastMigration({
      root,
      name: second.name,
      migrator: statusOf({ [second.name]: 'applied' }),
    })
    await expect(applied).rejects.toMatchObject({
      code: 'MEGA_DB_MIGRATION_KEPT',
      details: { reason: 'applied' },
    })
    const notLast = removeLastMigration({ root, name: first.name, migrator: statusOf({}) })
    await expect(notLast).rejects.toMatchObject({
      code: 'MEGA_DB_MIGRATION_KEPT',
      message: expect.stringContaining(`${second.name} came after it`),
      details: { reason: 'not-last' },
    })
    const none = removeLastMigration({
      root,
      name: '20990101000000-nope',
      migrator: statusOf({}),
    })
    await expect(none).rejects.toMatchObject({ details: { reason: 'not-found' } })
    await fs.access(first.file)
    await fs.access(second.file)
    expect(await createJournal(root).readHistory()).toHaveLength(2)
  })

  it('takes back a hand-written migration (no history entry) without touching the snapshot', async () => {
    const { root, second } = await twoMigrations()
    const file = join(root, 'apps/main/migrations/20260613000000-backfill.ts')
    await fs.writeFile(file, 'export function up() {}\nexport function down() {}\n')
    const snapshot = await fs.readFile(join(root, '.mega/journal/snapshot.json'), 'utf8')
    const removed = await removeLastMigration({
      root,
      name: '20260613000000-backfill',
      migrator: statusOf({}),
    })
    expect(removed).toMatchObject({ file, historyFile: undefined })
    await expect(fs.access(file)).rejects.toThrow()
    await fs.access(second.file)
    expect(await fs.readFile(join(root, '.mega/journal/snapshot.json'), 'utf8')).toBe(snapshot)
  })
})
