import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { requireService, uniqueName } from '@mega/test-utils'
import { canonicalSchema } from '../../src/migrations/introspect.js'
import type { ColumnSchema, TableSchema } from '../../src/migrations/migration-types.js'
import { Applier, col, dialectCases, type Row } from '../helpers/migration-dialects-applier.js'

const pg = await requireService('postgres')
const maria = await requireService('maria')
const cases = dialectCases(pg, maria)

function parentTable(name: string): TableSchema {
  return {
    name,
    primaryKey: 'id',
    columns: [
      col('id', 'id', { idStrategy: 'increment' }),
      col('name', 'string', { length: 100, default: "it's" }),
      col('order', 'integer', { nullable: true }),
      col('status', 'enum', { values: ['draft', 'live'], default: 'draft' }),
      col('meta', 'json', { nullable: true, default: { a: [1, 'x'] } }),
      col('active', 'boolean', { default: true }),
      col('price', 'decimal', { precision: 10, scale: 2, default: '12.50' }),
      col('born', 'date', { nullable: true }),
      col('created_at', 'timestamp', { default: { sql: 'now' } }),
      col('big', 'bigint', { nullable: true }),
      col('body', 'text', { nullable: true }),
    ],
    indexes: [{ name: `${name}_name_key`, columns: ['name'], unique: true }],
  }
}

function childTable(name: string, parent: string): TableSchema {
  return {
    name,
    primaryKey: 'id',
    columns: [
      col('id', 'id', { idStrategy: 'uuid' }),
      col('user', 'integer', {
        references: { name: `${name}_user_fkey`, table: parent, column: 'id', onDelete: 'cascade' },
      }),
      col('note', 'string', { length: 20, nullable: true }),
    ],
    indexes: [{ name: `${name}_user_idx`, columns: ['user'], unique: false }],
  }
}

const column = (a: Applier, table: string, name: string): ColumnSchema =>
  a.schema.tables[table]?.columns.find((c) => c.name === name) as ColumnSchema

for (const c of cases) {
  describe.runIf(c.available)(`migration dialect ${c.name} (integration)`, () => {
    const db = c.create()
    const a = new Applier(db)
    const parent = uniqueName('mp')
    const child = uniqueName('mc')
    const renamed = `${child}_r`

    beforeAll(async () => {
      await db.connect()
    })
    afterAll(async () => {
      await a.drop([renamed, child, parent])
      await db.disconnect()
    })

    const expectLive = async (): Promise<void> => {
      expect(await a.live()).toEqual(canonicalSchema(a.schema))
    }

    it('creates tables with every column type, reserved names, defaults, FK and indexes', async () => {
      await a.apply({ op: 'createTable', table: parentTable(parent) })
      await a.apply({ op: 'createTable', table: childTable(child, parent) })
      await expectLive()
    })

    it('fills defaults: literals, json, now', async () => {
      await db.kysely<Record<string, Row>>().insertInto(parent).values({ order: 1 }).execute()
      const [row] = await a.rows(parent)
      expect(row).toMatchObject({ name: "it's", status: 'draft', order: 1 })
      expect(String(row?.created_at)).not.toBe('')
    })

    it('enum CHECK rejects a value outside the list', async () => {
      const insert = db
        .kysely<Record<string, Row>>()
        .insertInto(parent)
        .values({ name: 'b', status: 'bogus' })
      const err = await insert.execute().catch((e: unknown) => db.mapError(e))
      expect(MegaError.is(err) && err.code).toBe('MEGA_DB_CHECK')
    })

    it('adds, indexes and renames a column', async () => {
      await a.apply({
        op: 'addColumn',
        table: parent,
        column: col('score', 'integer', { nullable: true, default: 0 }),
      })
      await expectLive()
      await a.apply({
        op: 'createIndex',
        table: parent,
        index: { name: `${parent}_so_idx`, columns: ['score', 'order'], unique: false },
      })
      await expectLive()
      await a.apply({ op: 'renameColumn', table: parent, from: 'score', to: 'points' })
      await expectLive()
    })

    it('alters type, nullability and default of a column, keeping its rows', async () => {
      const from = column(a, parent, 'points')
      await a.apply({
        op: 'alterColumn',
        table: parent,
        from,
        to: col('points', 'bigint', { default: '5' }),
      })
      await expectLive()
      expect((await a.rows(parent)).map((r) => String(r.points))).toEqual(['0'])
    })

    it('changes the values of an enum and renames it', async () => {
      const from = column(a, parent, 'status')
      await a.apply({
        op: 'alterColumn',
        table: parent,
        from,
        to: { ...from, values: ['draft', 'live', 'gone'] },
      })
      await expectLive()
      await a.apply({ op: 'renameColumn', table: parent, from: 'status', to: 'state' })
      await expectLive()
      const insert = db
        .kysely<Record<string, Row>>()
        .insertInto(parent)
        .values({ name: 'c', state: 'nope' })
      await expect(insert.execute()).rejects.toThrow()
    })

    it('adds a foreign key column and changes its action', async () => {
      const fk = { name: `${child}_p2_fkey`, table: parent, column: 'id' }
      await a.apply({
        op: 'addColumn',
        table: child,
        column: col('p2', 'integer', {
          nullable: true,
          references: { ...fk, onDelete: 'set null' },
        }),
      })
      await expectLive()
      const from = column(a, child, 'p2')
      await a.apply({
        op: 'alterColumn',
        table: child,
        from,
        to: { ...from, references: { ...fk, onDelete: 'cascade' } },
      })
      await expectLive()
    })

    it('drops an index and a column', async () => {
      const index = a.schema.tables[parent]?.indexes.find((i) => i.name.endsWith('_so_idx'))
      if (index === undefined) throw new Error('index missing')
      await a.apply({ op: 'dropIndex', table: parent, index })
      await a.apply({
        op: 'dropColumn',
        table: parent,
        column: 'body',
        previous: column(a, parent, 'body'),
      })
      await expectLive()
    })

    it('renames and drops tables', async () => {
      await a.apply({ op: 'renameTable', from: child, to: renamed })
      await expectLive()
      const previous = a.schema.tables[renamed] as TableSchema
      await a.apply({ op: 'dropTable', table: renamed, previous })
      await expectLive()
      expect(Object.keys(a.schema.tables)).toEqual([parent])
    })
  })
}
