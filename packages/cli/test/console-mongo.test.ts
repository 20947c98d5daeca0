// `mega console --sandbox` on an app with a MongoDB `db` adapter: refused before any transaction
// opens (the adapter is never connected: nothing is asked of a Mongo server, none runs here).
import { join } from 'node:path'
import type { MegaAdapter } from '@mega/core'
import { MegaMongoAdapter, SqliteAdapter, type SqlDbAdapter } from '@mega/db'
import { tempDir } from '@mega/test-utils'
import { describe, expect, it } from 'vitest'
import { openSandbox } from '../src/internal/sandbox.js'

const mongo = () => new MegaMongoAdapter('docs', { url: 'mongodb://127.0.0.1:1/shop' })

describe('mega console --sandbox on MongoDB', () => {
  it('refuses a Mongo db adapter with a message naming it and the reason', async () => {
    const refused = openSandbox(new Map<string, MegaAdapter>([['docs', mongo()]]))
    await expect(refused).rejects.toMatchObject({ code: 'MEGA_CLI_NO_DATABASE' })
    await expect(refused).rejects.toThrow(
      /cannot roll back "docs" \(MongoDB\).*Run mega console without --sandbox/,
    )
  })

  it('refuses it next to a SQL adapter too, and leaves the SQL one without a transaction', async () => {
    const sqlite = new SqliteAdapter('db', {
      filename: join(await tempDir('mega-cli-sb-'), 'a.db'),
    })
    await sqlite.connect()
    try {
      const adapters = new Map<string, MegaAdapter>([
        ['db', sqlite],
        ['docs', mongo()],
      ])
      await expect(openSandbox(adapters)).rejects.toMatchObject({ code: 'MEGA_CLI_NO_DATABASE' })
      const db = (sqlite as SqlDbAdapter).kysely<{ t: { x: number } }>()
      await db.schema.createTable('t').addColumn('x', 'integer').execute()
      // A write made now is kept: no sandbox transaction is holding the connection.
      await db.insertInto('t').values({ x: 1 }).execute()
      expect(await db.selectFrom('t').selectAll().execute()).toHaveLength(1)
    } finally {
      await sqlite.disconnect()
    }
  })
})
