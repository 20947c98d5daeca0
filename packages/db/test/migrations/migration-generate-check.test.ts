import * as fs from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '@mega/test-utils'
import {
  assertMigrationsCovered,
  checkMigrations,
  describeOperation,
} from '../../src/migrations/check.js'
import { generateMigration } from '../../src/migrations/generate.js'
import { isModel, loadModels } from '../../src/migrations/load-models.js'
import { col } from '../../src/model/column.js'
import { defineModel } from '../../src/model/define-model.js'

const noTs = { timestamps: false } as const
const V1 = defineModel('users', { id: col.id(), email: col.string(100) }, noTs)
const V2 = defineModel(
  'users',
  { id: col.id(), email: col.string(100), age: col.integer().nullable() },
  noTs,
)
const clock = () => new Date('2026-06-12T09:25:43Z')

const modelSource = (table: string) => `
import { col } from ${JSON.stringify(join(import.meta.dirname, '../../src/model/column.ts'))}
import { defineModel } from ${JSON.stringify(join(import.meta.dirname, '../../src/model/define-model.ts'))}
export const Model = defineModel(${JSON.stringify(table)}, { id: col.id(), name: col.string(20) })
export const Same = Model
export const notAModel = { table: 'x' }
`

describe('checkMigrations', () => {
  it('reports the changes no migration covers', async () => {
    const root = await tempDir()
    await generateMigration({ root, name: 'init', models: [V1], clock })
    expect(await checkMigrations({ root, models: [V1] })).toEqual({
      upToDate: true,
      operations: [],
      changes: [],
    })
    const result = await checkMigrations({ root, models: [V2] })
    expect(result.upToDate).toBe(false)
    expect(result.changes).toEqual(['add column users.age'])
    await expect(assertMigrationsCovered({ root, models: [V2] })).rejects.toMatchObject({
      code: 'MEGA_DB_MIGRATION_UNCOVERED',
      issues: [{ path: 'users', message: 'add column users.age' }],
    })
    await expect(assertMigrationsCovered({ root, models: [V1] })).resolves.toBeUndefined()
  })

  it('reports destructive changes too, without refusing', async () => {
    const root = await tempDir()
    await generateMigration({ root, name: 'init', models: [V1], clock })
    expect((await checkMigrations({ root, models: [] })).changes).toEqual(['drop table users'])
  })

  it('reads the models of the app when none are given', async () => {
    const root = await tempDir()
    const dir = join(root, 'apps/main/models')
    await fs.mkdir(dir, { recursive: true })
    await fs.writeFile(join(dir, 'users-model.ts'), modelSource('users'))
    expect((await checkMigrations({ root })).changes).toEqual(['create table users'])
  })
})

describe('loadModels', () => {
  it('imports *-model files of the app, sorted, each model once, .ts over .js', async () => {
    const root = await tempDir()
    const dir = join(root, 'apps/blog/models')
    await fs.mkdir(dir, { recursive: true })
    await fs.writeFile(join(dir, 'posts-model.ts'), modelSource('posts'))
    await fs.writeFile(join(dir, 'posts-model.js'), 'throw new Error("not loaded")')
    await fs.writeFile(join(dir, 'authors-model.ts'), modelSource('authors'))
    await fs.writeFile(join(dir, 'helpers.ts'), 'throw new Error("not loaded")')
    const models = await loadModels({ root, app: 'blog' })
    expect(models.map((m) => m.table)).toEqual(['authors', 'posts'])
  })

  it('returns no models when the folder is missing', async () => {
    expect(await loadModels({ root: await tempDir() })).toEqual([])
  })

  it('names the file that fails to import', async () => {
    const root = await tempDir()
    await fs.mkdir(join(root, 'apps/main/models'), { recursive: true })
    await fs.writeFile(join(root, 'apps/main/models/bad-model.ts'), 'x')
    const importer = () => Promise.reject(new Error('boom'))
    await expect(loadModels({ root, importer })).rejects.toMatchObject({
      code: 'MEGA_DB_SCHEMA_INVALID',
      message: `Cannot import the model file ${join(root, 'apps/main/models/bad-model.ts')}`,
    })
  })

  it('recognises models', () => {
    expect(isModel(V1)).toBe(true)
    expect(isModel({ table: 'x', columns: {} })).toBe(false)
    expect(isModel(null)).toBe(false)
  })
})

describe('describeOperation', () => {
  it('describes each operation in one line', () => {
    const column = { name: 'c', type: 'integer' as const, nullable: true }
    const index = { name: 'i', columns: ['c'], unique: false }
    expect([
      describeOperation({
        op: 'createTable',
        table: { name: 't', columns: [], primaryKey: 'id', indexes: [] },
      }),
      describeOperation({
        op: 'dropTable',
        table: 't',
        previous: { name: 't', columns: [], primaryKey: 'id', indexes: [] },
      }),
      describeOperation({ op: 'renameTable', from: 'a', to: 'b' }),
      describeOperation({ op: 'addColumn', table: 't', column }),
      describeOperation({ op: 'dropColumn', table: 't', column: 'c', previous: column }),
      describeOperation({ op: 'renameColumn', table: 't', from: 'a', to: 'b' }),
      describeOperation({ op: 'alterColumn', table: 't', from: column, to: column }),
      describeOperation({ op: 'createIndex', table: 't', index }),
      describeOperation({ op: 'dropIndex', table: 't', index }),
      describeOperation({ op: 'raw', sql: 'x', dialect: 'sqlite' }),
    ]).toEqual([
      'create table t',
      'drop table t',
      'rename table a → b',
      'add column t.c',
      'drop column t.c',
      'rename column t.a → b',
      'alter column t.c',
      'create index i on t',
      'drop index i on t',
      'raw SQL (sqlite)',
    ])
  })
})
