import { describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { col } from '../../src/model/column.js'
import { defineModel, type AnyModel } from '../../src/model/define-model.js'
import { scanModels } from '../../src/migrations/model-scan.js'

const Org = defineModel(
  'orgs',
  { id: col.id('uuid'), name: col.string(100) },
  { timestamps: false },
)
const Tag = defineModel('tags', { id: col.id('ulid'), label: col.text() }, { timestamps: false })

const User = defineModel(
  'users',
  {
    id: col.id(),
    email: col.string(255).unique(),
    name: col.string(50).index(),
    bio: col.text().nullable(),
    age: col.integer().nullable(),
    visits: col.bigint().default('0'),
    balance: col.decimal(10, 2).default('0.00'),
    active: col.boolean().default(true),
    role: col.enum(['user', 'admin']).default('user'),
    prefs: col.json<{ theme: string }>().default({ theme: 'dark' }),
    birthday: col.date().nullable(),
    seenAt: col.timestamp().default({ sql: 'now' }),
    orgId: col.references(() => Org).onDelete('cascade'),
    tagId: col
      .references(() => Tag)
      .nullable()
      .onDelete('set null')
      .onUpdate('cascade'),
  },
  { softDelete: true, indexes: [{ columns: ['name', 'age'] }] },
)

function scanError(models: readonly AnyModel[]): MegaError {
  try {
    scanModels(models)
  } catch (error) {
    if (error instanceof MegaError) return error
    throw error
  }
  throw new Error('expected scanModels to throw')
}

describe('scanModels', () => {
  it('maps every column type to a ColumnSchema', () => {
    const { schema } = scanModels([Org, Tag, User])
    const users = schema.tables.users!
    expect(users.primaryKey).toBe('id')
    expect(users.columns).toEqual([
      { name: 'id', type: 'id', nullable: false, idStrategy: 'increment' },
      { name: 'email', type: 'string', nullable: false, length: 255 },
      { name: 'name', type: 'string', nullable: false, length: 50 },
      { name: 'bio', type: 'text', nullable: true },
      { name: 'age', type: 'integer', nullable: true },
      { name: 'visits', type: 'bigint', nullable: false, default: '0' },
      {
        name: 'balance',
        type: 'decimal',
        nullable: false,
        default: '0.00',
        precision: 10,
        scale: 2,
      },
      { name: 'active', type: 'boolean', nullable: false, default: true },
      { name: 'role', type: 'enum', nullable: false, default: 'user', values: ['user', 'admin'] },
      { name: 'prefs', type: 'json', nullable: false, default: { theme: 'dark' } },
      { name: 'birthday', type: 'date', nullable: true },
      { name: 'seenAt', type: 'timestamp', nullable: false, default: { sql: 'now' } },
      {
        name: 'orgId',
        type: 'string',
        length: 36,
        nullable: false,
        references: { name: 'users_orgId_fkey', table: 'orgs', column: 'id', onDelete: 'cascade' },
      },
      {
        name: 'tagId',
        type: 'string',
        length: 26,
        nullable: true,
        references: {
          name: 'users_tagId_fkey',
          table: 'tags',
          column: 'id',
          onDelete: 'set null',
          onUpdate: 'cascade',
        },
      },
      { name: 'created_at', type: 'timestamp', nullable: false, default: { sql: 'now' } },
      { name: 'updated_at', type: 'timestamp', nullable: false, default: { sql: 'now' } },
      { name: 'deleted_at', type: 'timestamp', nullable: true },
    ])
    expect(schema.tables.orgs!.columns[0]).toEqual({
      name: 'id',
      type: 'id',
      nullable: false,
      idStrategy: 'uuid',
    })
  })

  it('turns unique and index columns and model indexes into index schemas', () => {
    const { schema } = scanModels([Org, Tag, User])
    expect(schema.tables.users!.indexes).toEqual([
      { name: 'users_email_key', columns: ['email'], unique: true },
      { name: 'users_name_idx', columns: ['name'], unique: false },
      { name: 'users_deleted_at_idx', columns: ['deleted_at'], unique: false },
      { name: 'users_name_age_idx', columns: ['name', 'age'], unique: false },
    ])
  })

  it('gives a reference to an increment id an integer column', () => {
    const Post = defineModel('posts', {
      id: col.id(),
      authorId: col.references(() => User),
    })
    const { schema } = scanModels([Org, Tag, User, Post])
    expect(schema.tables.posts!.columns[1]).toEqual({
      name: 'authorId',
      type: 'integer',
      nullable: false,
      references: { name: 'posts_authorId_fkey', table: 'users', column: 'id' },
    })
  })

  it('produces a snapshot that survives JSON unchanged', () => {
    const { schema } = scanModels([Org, Tag, User])
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema)
    expect(schema.version).toBe(1)
  })

  it('collects renamedFrom of tables and columns', () => {
    const People = defineModel(
      'people',
      { id: col.id(), fullName: col.string().renamedFrom('name') },
      { renamedFrom: 'persons' },
    )
    expect(scanModels([People]).renames).toEqual({
      tables: { people: 'persons' },
      columns: { people: { fullName: 'name' } },
    })
  })

  it('refuses a reference to a model that is not scanned, naming model and field', () => {
    const error = scanError([Tag, User])
    expect(error.code).toBe('MEGA_DB_SCHEMA_INVALID')
    expect(error.issues).toEqual([
      {
        path: 'users.orgId',
        message: 'references model "orgs", which is not among the scanned models',
      },
    ])
  })

  it('refuses a duplicate index name, naming both tables', () => {
    const A = defineModel(
      'a',
      { id: col.id(), x: col.integer() },
      { indexes: [{ columns: ['x'], name: 'shared_idx' }] },
    )
    const B = defineModel(
      'b',
      { id: col.id(), y: col.integer() },
      { indexes: [{ columns: ['y'], name: 'shared_idx' }] },
    )
    const error = scanError([A, B])
    expect(error.code).toBe('MEGA_DB_SCHEMA_INVALID')
    expect(error.issues).toEqual([
      {
        path: 'b.y',
        message: 'duplicate index name "shared_idx" (also on a; names are per database)',
      },
    ])
  })

  it('refuses an explicit index whose name collides with a unique column index', () => {
    const A = defineModel(
      'a',
      { id: col.id(), x: col.integer().unique() },
      { indexes: [{ columns: ['x', 'id'], name: 'a_x_key' }] },
    )
    expect(scanError([A]).issues?.[0]?.message).toMatch(/duplicate index name "a_x_key"/)
  })

  it('refuses two models with one table name', () => {
    const Again = defineModel('orgs', { id: col.id() })
    const error = scanError([Org, Again])
    expect(error.issues).toEqual([
      { path: 'orgs', message: 'two models use the table name "orgs"' },
    ])
  })

  it('refuses column names that differ only in case and an unknown type', () => {
    const Bad = {
      ...defineModel('bad', { id: col.id() }),
      columns: {
        id: { type: 'id', nullable: false, unique: false, index: false, idStrategy: 'increment' },
        Name: { type: 'string', nullable: false, unique: false, index: false, length: 5 },
        name: { type: 'blob', nullable: false, unique: false, index: false },
      },
    } as unknown as AnyModel
    expect(scanError([Bad]).issues).toEqual([
      { path: 'bad.name', message: 'duplicate column name (names are compared ignoring case)' },
      { path: 'bad.name', message: 'unknown column type "blob"' },
    ])
  })

  it('refuses a reference whose target key is not an id column (type mismatch)', () => {
    const Odd = { ...Org, primaryKey: 'name' } as unknown as AnyModel
    const Ref = defineModel('refs', { id: col.id(), oddId: col.references(() => Odd) })
    const issues = scanError([Odd, Ref]).issues ?? []
    expect(issues).toContainEqual({
      path: 'refs.oddId',
      message: 'references "orgs.name", which is not a col.id() column',
    })
    expect(issues).toContainEqual({
      path: 'orgs.name',
      message: 'the primary key must be a col.id() column',
    })
  })

  it('refuses renamedFrom that names a live column or is declared twice', () => {
    const M = defineModel('m', {
      id: col.id(),
      a: col.integer(),
      b: col.integer().renamedFrom('a'),
      c: col.integer().renamedFrom('old'),
      d: col.integer().renamedFrom('old'),
    })
    expect(scanError([M]).issues).toEqual([
      { path: 'm.b', message: 'renamedFrom "a" is still a column of the model' },
      { path: 'm.d', message: 'renamedFrom "old" is also declared by "m.c"' },
    ])
  })

  it('reports every problem at once', () => {
    const Again = defineModel('tags', { id: col.id() })
    const error = scanError([Tag, Again, User])
    expect(error.issues?.map((i) => i.path)).toEqual(['tags', 'users.orgId'])
    expect(error.message).toContain('2 problems')
  })
})
