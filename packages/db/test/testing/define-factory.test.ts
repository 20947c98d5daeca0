import { afterEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { col, defineModel } from '../../src/index.js'
import { SqliteAdapter } from '../../src/sql/sqlite/sqlite-adapter.js'
import { defineFactory } from '../../src/testing/define-factory.js'

const NO_TS = { timestamps: false } as const
const Author = defineModel('authors', { id: col.id(), name: col.string(100) }, NO_TS)
const Post = defineModel(
  'posts',
  {
    id: col.id(),
    title: col.string(200),
    authorId: col.integer(),
  },
  NO_TS,
)

const authors = defineFactory(Author, (seq) => ({ name: `Author ${seq}` }))
const posts = defineFactory(Post, (seq) => ({ title: `Post ${seq}`, authorId: authors }))

let db: SqliteAdapter
afterEach(async () => {
  await db?.disconnect()
  authors.resetSequence()
  posts.resetSequence()
})

async function openDb(): Promise<SqliteAdapter> {
  db = new SqliteAdapter('db', { filename: ':memory:' })
  await db.connect()
  await sql`create table authors (id integer primary key autoincrement, name text not null)`.execute(
    db.kysely(),
  )
  await sql`create table posts (id integer primary key autoincrement, title text not null, "authorId" integer not null references authors(id))`.execute(
    db.kysely(),
  )
  return db
}

describe('defineFactory', () => {
  it('builds attributes from a sequence, with overrides, without a database', () => {
    expect(authors.build()).toEqual({ name: 'Author 1' })
    expect(authors.build({ name: 'Ada' })).toEqual({ name: 'Ada' })
    expect(authors.buildMany(2)).toEqual([{ name: 'Author 3' }, { name: 'Author 4' }])
    expect(posts.build()).toEqual({ title: 'Post 1' }) // the parent factory needs create()
  })

  it('creates rows through the model, the parent of a relation first', async () => {
    const db = await openDb()
    const post = await posts.create(db, { title: 'Hello' })
    expect(post).toMatchObject({ id: 1, title: 'Hello', authorId: 1 })
    const more = await posts.createMany(db, 2)
    expect(more.map((p) => [p.title, p.authorId])).toEqual([
      ['Post 2', 2],
      ['Post 3', 3],
    ])
    const author = await authors.create(db)
    const own = await posts.create(db, { authorId: author.id })
    expect(own.authorId).toBe(author.id) // an override replaces the parent factory
  })

  it('refuses a field that is not a column, and a bad count, with MEGA_DB_TEST_INVALID', () => {
    const bad = defineFactory(Author, () => ({ name: 'x', nope: 1 }) as never)
    expect(() => bad.build()).toThrow(expect.objectContaining({ code: 'MEGA_DB_TEST_INVALID' }))
    expect(() => authors.buildMany(-1)).toThrow(/whole number/)
    expect(() => defineFactory(Author, 'x' as never)).toThrow(
      expect.objectContaining({ code: 'MEGA_DB_TEST_INVALID' }),
    )
  })
})
