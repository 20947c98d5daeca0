import { describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { col } from '../../src/model/column.js'
import { defineModel, type AnyModel } from '../../src/model/define-model.js'
import { diffSchemas, invertOperations, narrowing } from '../../src/migrations/differ.js'
import type {
  ColumnSchema,
  DatabaseSchema,
  MigrationOperation,
} from '../../src/migrations/migration-types.js'
import { scanModels } from '../../src/migrations/model-scan.js'
import { EMPTY_SCHEMA, applyOperation } from '../../src/migrations/schema-builder.js'

const noTs = { timestamps: false } as const
const Org = defineModel('orgs', { id: col.id(), name: col.string(100) }, noTs)
const UserV1 = defineModel(
  'users',
  { id: col.id(), email: col.string(100), age: col.integer() },
  noTs,
)

function scan(...models: AnyModel[]): DatabaseSchema {
  return scanModels(models).schema
}

function diff(
  before: AnyModel[],
  after: AnyModel[],
  allowDestructive = false,
): MigrationOperation[] {
  const { schema, renames } = scanModels(after)
  return diffSchemas(scanModels(before).schema, schema, { renames, allowDestructive })
}

function apply(schema: DatabaseSchema, ops: readonly MigrationOperation[]): DatabaseSchema {
  return ops.reduce(applyOperation, schema)
}

/** Same schema up to column/index order: the differ finds nothing to do. */
function expectSameSchema(actual: DatabaseSchema, expected: DatabaseSchema): void {
  expect(diffSchemas(actual, expected, { allowDestructive: true })).toEqual([])
}

function destructiveError(run: () => unknown): MegaError {
  try {
    run()
  } catch (error) {
    if (error instanceof MegaError) return error
    throw error
  }
  throw new Error('expected a destructive refusal')
}

const kinds = (ops: readonly MigrationOperation[]): string[] =>
  ops.map((op) => {
    if (op.op === 'createTable') return `createTable ${op.table.name}`
    if (op.op === 'dropTable' || op.op === 'renameTable' || op.op === 'raw')
      return op.op === 'dropTable' ? `dropTable ${op.table}` : op.op
    if (op.op === 'rebuildTable') return `rebuildTable ${op.table}`
    if (op.op === 'createIndex' || op.op === 'dropIndex') return `${op.op} ${op.index.name}`
    if (op.op === 'addColumn') return `addColumn ${op.table}.${op.column.name}`
    if (op.op === 'dropColumn') return `dropColumn ${op.table}.${op.column}`
    if (op.op === 'alterColumn') return `alterColumn ${op.table}.${op.to.name}`
    return `${op.op} ${op.table}.${op.from}`
  })

describe('diffSchemas', () => {
  it('returns no operations when nothing changed', () => {
    expect(diff([Org, UserV1], [Org, UserV1])).toEqual([])
    expect(diffSchemas(EMPTY_SCHEMA, EMPTY_SCHEMA)).toEqual([])
  })

  it('creates referenced tables before the tables that reference them', () => {
    const Post = defineModel('posts', { id: col.id(), orgId: col.references(() => Org) }, noTs)
    const Alpha = defineModel('alpha', { id: col.id(), postId: col.references(() => Post) }, noTs)
    expect(kinds(diff([], [Alpha, Post, Org]))).toEqual([
      'createTable orgs',
      'createTable posts',
      'createTable alpha',
    ])
  })

  it('adds a column, an index and a unique index', () => {
    const V2 = defineModel(
      'users',
      {
        id: col.id(),
        email: col.string(100).unique(),
        age: col.integer(),
        bio: col.text().nullable(),
      },
      { ...noTs, indexes: [{ columns: ['age', 'bio'] }] },
    )
    const ops = diff([UserV1], [V2])
    expect(ops).toEqual([
      { op: 'addColumn', table: 'users', column: { name: 'bio', type: 'text', nullable: true } },
      {
        op: 'createIndex',
        table: 'users',
        index: { name: 'users_email_key', columns: ['email'], unique: true },
      },
      {
        op: 'createIndex',
        table: 'users',
        index: { name: 'users_age_bio_idx', columns: ['age', 'bio'], unique: false },
      },
    ])
  })

  it('drops a changed index before creating it again', () => {
    const A = defineModel(
      't',
      { id: col.id(), x: col.integer() },
      { ...noTs, indexes: [{ columns: ['x'], name: 't_x' }] },
    )
    const B = defineModel(
      't',
      { id: col.id(), x: col.integer() },
      { ...noTs, indexes: [{ columns: ['x'], name: 't_x', unique: true }] },
    )
    expect(kinds(diff([A], [B]))).toEqual(['dropIndex t_x', 'createIndex t_x'])
  })

  it('renames a table and a column declared with renamedFrom instead of dropping them', () => {
    const Accounts = defineModel(
      'accounts',
      { id: col.id(), mail: col.string(100).renamedFrom('email'), age: col.integer() },
      { ...noTs, renamedFrom: 'users' },
    )
    const ops = diff([UserV1], [Accounts])
    expect(ops).toEqual([
      { op: 'renameTable', from: 'users', to: 'accounts' },
      { op: 'renameColumn', table: 'accounts', from: 'email', to: 'mail' },
    ])
  })

  it('keeps foreign keys pointing at a renamed table without touching them', () => {
    const Post = defineModel('posts', { id: col.id(), orgId: col.references(() => Org) }, noTs)
    const Team = defineModel(
      'teams',
      { id: col.id(), name: col.string(100) },
      { ...noTs, renamedFrom: 'orgs' },
    )
    const Post2 = defineModel('posts', { id: col.id(), orgId: col.references(() => Team) }, noTs)
    expect(diff([Org, Post], [Team, Post2])).toEqual([
      { op: 'renameTable', from: 'orgs', to: 'teams' },
    ])
  })

  it('renames the indexes of a renamed table by dropping and creating them', () => {
    const A = defineModel('a', { id: col.id(), x: col.integer().unique() }, noTs)
    const B = defineModel(
      'b',
      { id: col.id(), x: col.integer().unique() },
      { ...noTs, renamedFrom: 'a' },
    )
    expect(kinds(diff([A], [B]))).toEqual([
      'renameTable',
      'dropIndex a_x_key',
      'createIndex b_x_key',
    ])
  })

  it('does not guess renames: an undeclared rename is a drop plus an add, refused as destructive', () => {
    const V2 = defineModel(
      'users',
      { id: col.id(), mail: col.string(100), age: col.integer() },
      noTs,
    )
    const error = destructiveError(() => diff([UserV1], [V2]))
    expect(error.code).toBe('MEGA_DB_MIGRATION_DESTRUCTIVE')
    expect(error.issues).toEqual([
      { path: 'users.email', message: 'drop column (its data is lost)' },
    ])
  })

  it('refuses every destructive change at once, naming each, unless allowDestructive', () => {
    const V2 = defineModel('users', { id: col.id(), email: col.string(50) }, noTs)
    const error = destructiveError(() => diff([Org, UserV1], [V2]))
    expect(error.issues).toEqual([
      { path: 'users.age', message: 'drop column (its data is lost)' },
      { path: 'users.email', message: 'shorter string (100 → 50)' },
      { path: 'orgs', message: 'drop table (its rows are lost)' },
    ])
    expect(error.message).toMatch(/allowDestructive/)
    expect(kinds(diff([Org, UserV1], [V2], true))).toEqual([
      'dropColumn users.age',
      'dropTable orgs',
      'alterColumn users.email',
    ])
  })

  it('drops foreign keys before the tables they point to', () => {
    const Post = defineModel(
      'posts',
      { id: col.id(), orgId: col.references(() => Org).nullable() },
      noTs,
    )
    const Post2 = defineModel('posts', { id: col.id() }, noTs)
    const ops = diff([Org, Post], [Post2], true)
    expect(kinds(ops)).toEqual([
      'alterColumn posts.orgId',
      'dropColumn posts.orgId',
      'dropTable orgs',
    ])
    expect(ops[0]).toMatchObject({ op: 'alterColumn', to: { name: 'orgId', type: 'integer' } })
    expect(
      (ops[0] as Extract<MigrationOperation, { op: 'alterColumn' }>).to.references,
    ).toBeUndefined()
  })

  it('drops referencing tables before referenced ones', () => {
    const Post = defineModel('posts', { id: col.id(), orgId: col.references(() => Org) }, noTs)
    expect(kinds(diff([Org, Post], [], true))).toEqual(['dropTable posts', 'dropTable orgs'])
  })

  it('adds a foreign key to an existing column after creating its table', () => {
    const Post = defineModel('posts', { id: col.id(), orgId: col.integer() }, noTs)
    const Post2 = defineModel('posts', { id: col.id(), orgId: col.references(() => Org) }, noTs)
    const ops = diff([Post], [Post2, Org])
    expect(kinds(ops)).toEqual(['createTable orgs', 'alterColumn posts.orgId'])
  })

  it('breaks a reference cycle between new tables with a later foreign key', () => {
    // defineModel resolves references eagerly, so a cycle is written as a schema here.
    const id: ColumnSchema = { name: 'id', type: 'id', nullable: false, idStrategy: 'increment' }
    const table = (name: string, column: string, target: string) => ({
      name,
      columns: [
        id,
        {
          name: column,
          type: 'integer' as const,
          nullable: true,
          references: { name: `${name}_${column}_fkey`, table: target, column: 'id' },
        },
      ],
      primaryKey: 'id',
      indexes: [],
    })
    const cyclic: DatabaseSchema = {
      version: 1,
      tables: { a: table('a', 'bId', 'b'), b: table('b', 'aId', 'a') },
    }
    const ops = diffSchemas(EMPTY_SCHEMA, cyclic)
    expect(kinds(ops)).toEqual(['createTable a', 'createTable b', 'alterColumn a.bId'])
    expect(apply(EMPTY_SCHEMA, ops)).toEqual(cyclic)
    const down = invertOperations(ops)
    expect(kinds(down)).toEqual(['alterColumn a.bId', 'dropTable b', 'dropTable a'])
    expectSameSchema(apply(cyclic, down), EMPTY_SCHEMA)
    expect(kinds(diffSchemas(cyclic, EMPTY_SCHEMA, { allowDestructive: true }))).toEqual(
      kinds(down),
    )
  })

  it('widens without complaint: longer string, integer → bigint, string → text, more enum values', () => {
    const A = defineModel(
      't',
      { id: col.id(), s: col.string(10), n: col.integer(), x: col.string(5), e: col.enum(['a']) },
      noTs,
    )
    const B = defineModel(
      't',
      { id: col.id(), s: col.string(20), n: col.bigint(), x: col.text(), e: col.enum(['a', 'b']) },
      noTs,
    )
    expect(kinds(diff([A], [B]))).toEqual([
      'alterColumn t.s',
      'alterColumn t.n',
      'alterColumn t.x',
      'alterColumn t.e',
    ])
  })

  it('changes defaults and nullability (to nullable, or to not null with a default) safely', () => {
    const A = defineModel(
      't',
      { id: col.id(), a: col.integer(), b: col.integer().nullable() },
      noTs,
    )
    const B = defineModel(
      't',
      { id: col.id(), a: col.integer().nullable(), b: col.integer().default(0) },
      noTs,
    )
    expect(kinds(diff([A], [B]))).toEqual(['alterColumn t.a', 'alterColumn t.b'])
  })

  it('drops and creates a table whose primary key changes, as a destructive change', () => {
    const A = defineModel('t', { id: col.id(), x: col.integer() }, noTs)
    const B = defineModel('t', { key: col.id(), x: col.integer() }, noTs)
    expect(destructiveError(() => diff([A], [B])).issues?.[0]?.message).toMatch(
      /primary key changes/,
    )
    expect(kinds(diff([A], [B], true))).toEqual(['dropTable t', 'createTable t'])
  })
})

describe('narrowing', () => {
  const c = (column: Partial<ColumnSchema>): ColumnSchema => ({
    name: 'c',
    type: 'integer',
    nullable: false,
    ...column,
  })
  it.each([
    [
      c({ type: 'string', length: 20 }),
      c({ type: 'string', length: 10 }),
      'shorter string (20 → 10)',
    ],
    [
      c({ type: 'bigint' }),
      c({ type: 'integer' }),
      'type changes from bigint to integer (values may not convert)',
    ],
    [
      c({ type: 'decimal', precision: 10, scale: 2 }),
      c({ type: 'decimal', precision: 10, scale: 1 }),
      'decimal(10,2) → decimal(10,1) loses digits',
    ],
    [
      c({ type: 'decimal', precision: 10, scale: 2 }),
      c({ type: 'decimal', precision: 8, scale: 2 }),
      'decimal(10,2) → decimal(8,2) loses digits',
    ],
    [
      c({ type: 'enum', values: ['a', 'b', 'c'] }),
      c({ type: 'enum', values: ['a'] }),
      'enum values removed: b, c',
    ],
    [
      c({ type: 'text' }),
      c({ type: 'string', length: 255 }),
      'type changes from text to string(255) (values may not convert)',
    ],
    [
      c({ nullable: true }),
      c({ nullable: false }),
      'nullable → not null without a default (rows holding null would fail)',
    ],
    [
      c({ type: 'id', idStrategy: 'uuid' }),
      c({ type: 'id', idStrategy: 'ulid' }),
      'id strategy changes from uuid to ulid',
    ],
  ])('flags %j → %j', (from, to, reason) => {
    expect(narrowing(from, to)).toBe(reason)
  })

  it.each([
    [c({ type: 'string', length: 10 }), c({ type: 'string', length: 20 })],
    [
      c({ type: 'decimal', precision: 10, scale: 2 }),
      c({ type: 'decimal', precision: 12, scale: 3 }),
    ],
    [c({ type: 'enum', values: ['a'] }), c({ type: 'enum', values: ['a', 'b'] })],
    [c({ type: 'enum', values: ['ab'] }), c({ type: 'string', length: 2 })],
    [c({ nullable: true }), c({ nullable: false, default: 0 })],
    [c({}), c({ type: 'bigint' })],
  ])('accepts %j → %j', (from, to) => {
    expect(narrowing(from, to)).toBeUndefined()
  })
})

describe('invertOperations', () => {
  const V1 = [Org, UserV1]
  const Team = defineModel(
    'teams',
    { id: col.id(), title: col.string(200).renamedFrom('name') },
    { ...noTs, renamedFrom: 'orgs' },
  )
  const Tag = defineModel('tags', { id: col.id(), label: col.string(30).unique() }, noTs)
  const V2 = [
    Team,
    Tag,
    defineModel(
      'users',
      {
        id: col.id(),
        email: col.string(50).unique(),
        teamId: col
          .references(() => Team)
          .nullable()
          .onDelete('set null'),
        tagId: col.references(() => Tag).nullable(),
      },
      { ...noTs, indexes: [{ columns: ['teamId', 'email'] }] },
    ),
  ]

  it('round-trips: applying diff(a, b) then its inverse gives a back; the inverse matches diff(b, a)', () => {
    const a = scan(...V1)
    const b = scan(...V2)
    const up = diff(V1, V2, true)
    expectSameSchema(apply(a, up), b)
    const down = invertOperations(up)
    expectSameSchema(apply(b, down), a)
    const direct = diffSchemas(b, a, {
      allowDestructive: true,
      renames: { tables: { orgs: 'teams' }, columns: { orgs: { name: 'title' } } },
    })
    expectSameSchema(apply(b, direct), apply(b, down))
  })

  it('inverts each kind of operation', () => {
    const column: ColumnSchema = { name: 'c', type: 'integer', nullable: true }
    const index = { name: 'i', columns: ['c'], unique: false }
    const table = { name: 't', columns: [column], primaryKey: 'c', indexes: [] }
    const ops: MigrationOperation[] = [
      { op: 'createTable', table },
      { op: 'renameTable', from: 't', to: 'u' },
      { op: 'addColumn', table: 'u', column: { ...column, name: 'd' } },
      { op: 'renameColumn', table: 'u', from: 'd', to: 'e' },
      {
        op: 'alterColumn',
        table: 'u',
        from: { ...column, name: 'e' },
        to: { ...column, name: 'e', nullable: false },
      },
      { op: 'createIndex', table: 'u', index },
      { op: 'dropIndex', table: 'u', index },
      {
        op: 'dropColumn',
        table: 'u',
        column: 'e',
        previous: { ...column, name: 'e', nullable: false },
      },
      { op: 'dropTable', table: 'u', previous: { ...table, name: 'u' } },
    ]
    expect(invertOperations(ops)).toEqual([
      { op: 'createTable', table: { ...table, name: 'u' } },
      { op: 'addColumn', table: 'u', column: { ...column, name: 'e', nullable: false } },
      { op: 'createIndex', table: 'u', index },
      { op: 'dropIndex', table: 'u', index },
      {
        op: 'alterColumn',
        table: 'u',
        from: { ...column, name: 'e', nullable: false },
        to: { ...column, name: 'e' },
      },
      { op: 'renameColumn', table: 'u', from: 'e', to: 'd' },
      { op: 'dropColumn', table: 'u', column: 'd', previous: { ...column, name: 'd' } },
      { op: 'renameTable', from: 'u', to: 't' },
      { op: 'dropTable', table: 't', previous: table },
    ])
    expect(invertOperations(invertOperations(ops))).toEqual(ops)
  })

  it('refuses to invert raw SQL', () => {
    expect(() => invertOperations([{ op: 'raw', sql: 'select 1' }])).toThrow(/cannot be inverted/)
  })
})
