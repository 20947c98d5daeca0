import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireService, uniqueName } from '@mega/test-utils'
import { canonicalSchema } from '../../src/migrations/introspect.js'
import type { ColumnSchema, TableSchema } from '../../src/migrations/migration-types.js'
import { Applier, col, dialectCases, type Row } from '../helpers/migration-dialects-applier.js'

const pg = await requireService('postgres')
const maria = await requireService('maria')

for (const c of dialectCases(pg, maria)) {
  describe.runIf(c.available)(`migration dialect ${c.name}: data survives (integration)`, () => {
    const db = c.create()
    const a = new Applier(db)
    const parent = uniqueName('dp')
    const child = uniqueName('dc')
    const column = (table: string, name: string): ColumnSchema =>
      a.schema.tables[table]?.columns.find((x) => x.name === name) as ColumnSchema
    const insert = (table: string, rows: Row[]) =>
      db.kysely<Record<string, Row>>().insertInto(table).values(rows).execute()

    beforeAll(async () => {
      await db.connect()
      const p: TableSchema = {
        name: parent,
        primaryKey: 'id',
        columns: [
          col('id', 'id', { idStrategy: 'increment' }),
          col('name', 'string', { length: 50, nullable: true }),
        ],
        indexes: [{ name: `${parent}_name_idx`, columns: ['name'], unique: false }],
      }
      const fk = {
        name: `${child}_pid_fkey`,
        table: parent,
        column: 'id',
        onDelete: 'cascade',
      } as const
      const ch: TableSchema = {
        name: child,
        primaryKey: 'id',
        columns: [
          col('id', 'id', { idStrategy: 'increment' }),
          col('pid', 'integer', { references: fk }),
          col('other', 'integer', { nullable: true }),
          col('label', 'string', { length: 20, nullable: true }),
        ],
        indexes: [{ name: `${child}_label_key`, columns: ['label'], unique: true }],
      }
      await a.apply({ op: 'createTable', table: p }, { op: 'createTable', table: ch })
      await insert(parent, [
        { id: 1, name: 'one' },
        { id: 2, name: null },
      ])
      await insert(child, [
        { id: 10, pid: 1, other: 2, label: 'a' },
        { id: 11, pid: 2, other: 1, label: 'b' },
      ])
    })
    afterAll(async () => {
      await a.drop([child, parent])
      await db.disconnect()
    })

    it('alters a referenced table (type and default) and keeps rows, children and indexes', async () => {
      const from = column(parent, 'name')
      const to = col('name', 'string', { length: 120, nullable: true, default: 'x' })
      await a.apply({ op: 'alterColumn', table: parent, from, to })
      await expect(a.live()).resolves.toEqual(canonicalSchema(a.schema))
      expect((await a.rows(parent)).map((r) => r.name)).toEqual(['one', null])
      expect((await a.rows(child)).map((r) => r.pid)).toEqual([1, 2])
    })

    it('refuses a NOT NULL the rows break, leaving table and rows as they were', async () => {
      const from = column(parent, 'name')
      const op = {
        op: 'alterColumn',
        table: parent,
        from,
        to: { ...from, nullable: false },
      } as const
      await expect(a.apply(op)).rejects.toThrow()
      await expect(a.live()).resolves.toEqual(canonicalSchema(a.schema))
      expect(await a.rows(parent)).toHaveLength(2)
    })

    it('adds a foreign key to an existing column and keeps rows and indexes', async () => {
      const from = column(child, 'other')
      const references = {
        name: `${child}_other_fkey`,
        table: parent,
        column: 'id',
        onDelete: 'set null',
      } as const
      await a.apply({ op: 'alterColumn', table: child, from, to: { ...from, references } })
      await expect(a.live()).resolves.toEqual(canonicalSchema(a.schema))
      expect((await a.rows(child)).map((r) => [r.id, r.other, r.label])).toEqual([
        [10, 2, 'a'],
        [11, 1, 'b'],
      ])
      const dup = insert(child, [{ id: 12, pid: 1, label: 'a' }])
      await expect(dup).rejects.toThrow()
    })

    it('enforces the foreign keys and their actions (cascade, set null)', async () => {
      await expect(insert(child, [{ id: 13, pid: 99 }])).rejects.toThrow()
      await db.kysely<Record<string, Row>>().deleteFrom(parent).where('id', '=', 1).execute()
      expect((await a.rows(child)).map((r) => [r.id, r.pid, r.other])).toEqual([[11, 2, null]])
    })

    it('drops a referenced, indexed column and keeps the other rows', async () => {
      await a.apply({
        op: 'dropColumn',
        table: child,
        column: 'label',
        previous: column(child, 'label'),
      })
      await a.apply({
        op: 'dropColumn',
        table: child,
        column: 'other',
        previous: column(child, 'other'),
      })
      await expect(a.live()).resolves.toEqual(canonicalSchema(a.schema))
      expect(await a.rows(child)).toEqual([{ id: 11, pid: 2 }])
    })
  })
}
