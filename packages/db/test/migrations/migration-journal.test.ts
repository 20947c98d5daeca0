import * as fs from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { tempDir } from '@mega/test-utils'
import { col } from '../../src/model/column.js'
import { defineModel } from '../../src/model/define-model.js'
import { createJournal, writeFileAtomic, type JournalFs } from '../../src/migrations/journal.js'
import { scanModels } from '../../src/migrations/model-scan.js'

const User = defineModel('users', {
  id: col.id('uuid'),
  email: col.string(200).unique(),
  prefs: col.json().default({ a: [1, 'two'] }),
  seen: col.timestamp().default({ sql: 'now' }),
})
const schema = scanModels([User]).schema

function failingRename(): JournalFs {
  return { ...(fs as unknown as JournalFs), rename: () => Promise.reject(new Error('disk full')) }
}

describe('createJournal', () => {
  it('reads a missing snapshot as the empty schema', async () => {
    const journal = createJournal(await tempDir())
    expect(await journal.readSnapshot()).toEqual({ version: 1, tables: {} })
    expect(await journal.readHistory()).toEqual([])
  })

  it('writes the snapshot to .mega/journal/snapshot.json and reads it back equal', async () => {
    const root = await tempDir()
    const journal = createJournal(root)
    await journal.writeSnapshot(schema)
    expect(journal.snapshotPath).toBe(join(root, '.mega/journal/snapshot.json'))
    expect(await journal.readSnapshot()).toEqual(schema)
    const text = await fs.readFile(journal.snapshotPath, 'utf8')
    expect(text).toBe(`${JSON.stringify(schema, null, 2)}\n`)
  })

  it('writes history entries once each and reads them back sorted', async () => {
    const root = await tempDir()
    const journal = createJournal(root)
    const entry = (name: string) => ({
      version: 1 as const,
      name,
      operations: [],
      snapshot: schema,
    })
    await journal.writeHistoryEntry(entry('20260612092544-b'))
    const path = await journal.writeHistoryEntry(entry('20260612092543-a'))
    expect(path).toBe(join(root, '.mega/journal/history/20260612092543-a.json'))
    expect((await journal.readHistory()).map((e) => e.name)).toEqual([
      '20260612092543-a',
      '20260612092544-b',
    ])
    expect((await journal.readHistory())[0]).toEqual(entry('20260612092543-a'))
    await expect(journal.writeHistoryEntry(entry('20260612092543-a'))).rejects.toMatchObject({
      code: 'MEGA_DB_MIGRATION_INVALID',
    })
  })

  it('leaves the previous snapshot whole and no temporary file when a write fails', async () => {
    const root = await tempDir()
    await createJournal(root).writeSnapshot(schema)
    const broken = createJournal(root, { fs: failingRename() })
    await expect(broken.writeSnapshot({ version: 1, tables: {} })).rejects.toThrow('disk full')
    expect(await createJournal(root).readSnapshot()).toEqual(schema)
    expect(await fs.readdir(join(root, '.mega/journal'))).toEqual(['snapshot.json'])
  })

  it('refuses a snapshot that is not valid JSON or not a schema, naming the file', async () => {
    const root = await tempDir()
    const journal = createJournal(root)
    await fs.mkdir(join(root, '.mega/journal'), { recursive: true })
    await fs.writeFile(journal.snapshotPath, '{ nope')
    await expect(journal.readSnapshot()).rejects.toMatchObject({
      code: 'MEGA_DB_SCHEMA_INVALID',
      message: `${journal.snapshotPath} is not valid JSON`,
    })
    await fs.writeFile(journal.snapshotPath, JSON.stringify({ version: 2, tables: {} }))
    const error = await journal.readSnapshot().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MegaError)
    expect((error as MegaError).issues?.[0]?.path).toBe('version')
  })
})

describe('writeFileAtomic', () => {
  it('replaces a file, or refuses to when overwrite is false', async () => {
    const dir = await tempDir()
    const path = join(dir, 'deep/file.txt')
    await writeFileAtomic(fs, path, 'one', true)
    await writeFileAtomic(fs, path, 'two', true)
    await expect(
      writeFileAtomic(fs as unknown as JournalFs, path, 'three', false),
    ).rejects.toMatchObject({ code: 'MEGA_DB_MIGRATION_INVALID' })
    expect(await fs.readFile(path, 'utf8')).toBe('two')
    expect(await fs.readdir(join(dir, 'deep'))).toEqual(['file.txt'])
  })
})
