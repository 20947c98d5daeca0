import { describe, expect, it } from 'vitest'
import { tempDir } from '@mega/test-utils'
import { col } from '../../src/model/column.js'
import { defineModel } from '../../src/model/define-model.js'
import { generateMigration } from '../../src/migrations/generate.js'
import { migrationNameFor } from '../../src/migrations/migration-name.js'
import type {
  ColumnSchema,
  MigrationOperation,
  TableSchema,
} from '../../src/migrations/migration-types.js'

const column = (name: string): ColumnSchema => ({
  name,
  type: 'string',
  length: 255,
  nullable: false,
})
const table = (name: string): TableSchema => ({
  name,
  columns: [column('id')],
  primaryKey: 'id',
  indexes: [{ name: `${name}_title_key`, columns: ['title'], unique: true }],
})
const create = (name: string): MigrationOperation => ({ op: 'createTable', table: table(name) })
const drop = (name: string): MigrationOperation => ({
  op: 'dropTable',
  table: name,
  previous: table(name),
})
const add = (t: string, c: string): MigrationOperation => ({
  op: 'addColumn',
  table: t,
  column: column(c),
})

describe('migrationNameFor', () => {
  it('names created tables, one to many', () => {
    expect(migrationNameFor([create('links')])).toBe('create-links')
    expect(migrationNameFor([create('links'), create('users')])).toBe('create-links-and-users')
    expect(migrationNameFor(['links', 'users', 'tags'].map(create))).toBe(
      'create-links-users-and-tags',
    )
    expect(migrationNameFor(['links', 'users', 'tags', 'order_items'].map(create))).toBe(
      'create-links-users-and-2-more-tables',
    )
  })

  it('names added columns of one table, with their indexes', () => {
    const index = { name: 'users_email_key', columns: ['email'], unique: true }
    const withIndex: MigrationOperation = { op: 'createIndex', table: 'users', index }
    expect(migrationNameFor([add('users', 'email'), withIndex])).toBe('add-email-to-users')
    expect(migrationNameFor([add('users', 'email'), add('users', 'age')])).toBe(
      'add-email-and-age-to-users',
    )
    expect(migrationNameFor(['a', 'b', 'c', 'd'].map((c) => add('users', c)))).toBe(
      'add-4-columns-to-users',
    )
  })

  it('joins two phrases, and otherwise says which tables change', () => {
    expect(migrationNameFor([create('links'), drop('notes')])).toBe('create-links-and-drop-notes')
    expect(migrationNameFor([drop('notes')])).toBe('drop-notes')
    expect(migrationNameFor([add('users', 'email'), add('posts', 'slug')])).toBe(
      'change-users-and-posts',
    )
    const rename: MigrationOperation = { op: 'renameColumn', table: 'users', from: 'a', to: 'b' }
    expect(migrationNameFor([rename])).toBe('change-users')
    expect(migrationNameFor([create('links'), rename])).toBe('change-links-and-users')
  })

  it('names a generated migration when no name is given', async () => {
    const User = defineModel('users', { id: col.id(), email: col.string(255) })
    const Post = defineModel('posts', { id: col.id(), author: col.references(() => User) })
    const root = await tempDir()
    const clock = () => new Date('2026-06-12T09:25:43.512Z')
    const made = await generateMigration({ root, models: [User, Post], clock })
    expect(made?.name).toBe('20260612092543-create-users-and-posts')
    const named = await generateMigration({
      root,
      name: 'mine',
      models: [User, Post, defineModel('tags', { id: col.id() })],
      clock: () => new Date('2026-06-12T09:25:44.512Z'),
    })
    expect(named?.name).toBe('20260612092544-mine')
  })
})
