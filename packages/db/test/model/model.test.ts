import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { col } from '../../src/model/column.js'
import { defineModel } from '../../src/model/define-model.js'

const Org = defineModel('orgs', { id: col.id(), name: col.string(100) })

const User = defineModel(
  'users',
  {
    id: col.id(),
    email: col.string(255).unique(),
    name: col.string(50),
    bio: col.text().nullable(),
    age: col.integer().nullable(),
    balance: col.decimal(10, 2).default('0.00'),
    active: col.boolean().default(true),
    role: col.enum(['user', 'admin']).default('user'),
    prefs: col.json<{ theme: string }>().nullable(),
    birthday: col.date().nullable(),
    orgId: col.references(() => Org).onDelete('cascade'),
  },
  { softDelete: true, indexes: [{ columns: ['name', 'age'] }] },
)

describe('defineModel', () => {
  it('normalises columns and adds timestamps and deleted_at', () => {
    expect(User.table).toBe('users')
    expect(User.primaryKey).toBe('id')
    expect(Object.keys(User.columns)).toEqual([
      'id',
      'email',
      'name',
      'bio',
      'age',
      'balance',
      'active',
      'role',
      'prefs',
      'birthday',
      'orgId',
      'created_at',
      'updated_at',
      'deleted_at',
    ])
    expect(User.columns.email).toMatchObject({
      type: 'string',
      length: 255,
      unique: true,
      nullable: false,
    })
    expect(User.columns.deleted_at).toMatchObject({ type: 'timestamp', nullable: true })
    expect(User.indexes).toEqual([
      { columns: ['name', 'age'], unique: false, name: 'users_name_age_idx' },
    ])
    expect(Object.isFrozen(User.columns)).toBe(true)
  })

  it('derives a strict create schema: generated and automatic columns left out, defaults optional', () => {
    const ok = User.schemas.create.safeParse({ email: 'a@b.co', name: 'Ada', orgId: 1 })
    expect(ok.success).toBe(true)
    const bad = User.schemas.create.safeParse({
      id: 5,
      email: 'a@b.co',
      name: 'x'.repeat(51),
      created_at: new Date(),
      role: 'root',
      orgId: 1,
    })
    expect(bad.success).toBe(false)
    const paths = bad.error?.issues
      .map((i) => i.path.join('.') || (i as { keys?: string[] }).keys?.join(','))
      .sort()
    expect(paths).toEqual(['id,created_at', 'name', 'role'])
    expect(User.schemas.create.safeParse({ email: 'a@b.co', orgId: 1 }).success).toBe(false)
  })

  it('normalises decimals, keeps bigint as strings and rejects out-of-range values', () => {
    const Money = defineModel(
      'money',
      { id: col.id(), amount: col.decimal(5, 2), big: col.bigint(), n: col.integer() },
      { timestamps: false },
    )
    const parsed = Money.schemas.create.parse({
      amount: 12.5,
      big: 9007199254740993n.toString(),
      n: 1,
    })
    expect(parsed).toEqual({ amount: '12.50', big: '9007199254740993', n: 1 })
    expect(Money.schemas.create.safeParse({ amount: '1234.5', big: '1', n: 1 }).success).toBe(false)
    expect(Money.schemas.create.safeParse({ amount: '1', big: '1', n: 2 ** 31 }).success).toBe(
      false,
    )
  })

  it('derives an update schema that accepts any non-empty subset and nothing unknown', () => {
    expect(User.schemas.update.safeParse({ bio: null }).success).toBe(true)
    expect(User.schemas.update.safeParse({}).success).toBe(false)
    expect(User.schemas.update.safeParse({ nope: 1 }).success).toBe(false)
  })

  it('references take the target primary key schema', () => {
    expect(User.schemas.fields.orgId?.safeParse(3).success).toBe(true)
    expect(User.schemas.fields.orgId?.safeParse('3').success).toBe(false)
    const Tag = defineModel('tags', { id: col.id('uuid'), label: col.string() })
    const Link = defineModel('links', { id: col.id('ulid'), tagId: col.references(() => Tag) })
    expect(
      Link.schemas.fields.tagId?.safeParse('0b4b9c5e-8c43-4b8f-9e0a-3b7e0f7c9d11').success,
    ).toBe(true)
    expect(Link.schemas.fields.id?.safeParse('01ARZ3NDEKTSV4RRFFQ69G5FAV').success).toBe(true)
  })

  it('resolves a reference when it is used, so the target may be declared later', () => {
    const Comment = defineModel('comments', {
      id: col.id(),
      postId: col.references(() => Post),
      body: col.text(),
    })
    const Post = defineModel('posts', { id: col.id('uuid'), title: col.string() })
    const postId = '0b4b9c5e-8c43-4b8f-9e0a-3b7e0f7c9d11'
    expect(Comment.schemas.create.parse({ postId, body: 'hi' })).toEqual({ postId, body: 'hi' })
    expect(Comment.schemas.fields.postId?.safeParse(7).success).toBe(false) // Post ids are uuids
    expect(z.toJSONSchema(Comment.schemas.create, { io: 'input' })).toMatchObject({
      properties: { postId: { type: 'string', format: 'uuid' } },
    })
  })

  it('reports every problem at once, naming table.column', () => {
    let error: unknown
    try {
      defineModel('bad table', {
        id: col.id(),
        other: col.id(),
        title: col.string(0),
        price: col.decimal(3, 5),
        kind: col.enum(['a', 'a'] as unknown as ['a']),
        created_at: col.timestamp(),
        count: col.integer().default(1.5),
        owner: col
          .references(() => ({ table: 'x', primaryKey: 'id', columns: {}, $idType: 1 }))
          .onDelete('set null'),
      })
    } catch (err) {
      error = err
    }
    expect(MegaError.is(error, 'MEGA_MODEL_INVALID')).toBe(true)
    expect((error as MegaError).issues?.map((i) => i.path)).toEqual([
      'bad table',
      'bad table.created_at',
      'bad table.title',
      'bad table.price',
      'bad table.kind',
      'bad table.count',
      'bad table.owner',
      'bad table',
    ])
  })

  it('refuses indexes over unknown columns and duplicates', () => {
    expect(() =>
      defineModel(
        't',
        { id: col.id(), a: col.integer() },
        { indexes: [{ columns: ['a'] }, { columns: ['a'] }, { columns: ['zzz'] }] },
      ),
    ).toThrow(/duplicate index.*unknown column "zzz"/)
  })
})
