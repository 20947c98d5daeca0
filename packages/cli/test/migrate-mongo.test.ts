// `mega migrate` on a MongoDB `db` adapter. No MongoDB server runs on these machines: the database is
// @mega/db's in-memory stand-in for the driver (it refuses what a server refuses), injected through
// MigrateDeps.connect; the migrations, the migrator and the CLI's output are the real ones.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { MegaConfig } from '@mega/core'
import type { MongoDbAdapter } from '@mega/db'
import { describe, expect, it } from 'vitest'
import { run } from '../src/cli.js'
import { migrateCommand } from '../src/commands/migrate-command.js'
import { scaffold } from '../src/commands/scaffold-command.js'
import { parseArgs } from '../src/internal/parse-args.js'
import type { ConnectDb } from '../src/internal/project-db.js'
import { FakeMigrationMongo } from '../../db/test/helpers/mongo-migration-fake.js'
import { dbProject } from './helpers/db-project.js'
import { memoryIo } from './helpers/memory-io.js'

/** A project whose `db` is MongoDB, with a scaffolded Post (one pending migration), on a fake. */
async function mongoProject(options: { readonly transactions?: boolean } = {}) {
  const root = await dbProject({ db: { driver: 'mongo', url: 'mongodb://127.0.0.1:1/shop' } })
  const clock = () => new Date('2026-01-01T00:00:00Z')
  const { migration } = await scaffold({ root, name: 'Post', fields: ['title:string'], clock })
  const name = migration!.replace(/^.*\//, '').replace(/\.ts$/, '')
  const mongo = new FakeMigrationMongo(options)
  const connections = { open: 0 }
  const connect: ConnectDb = () => {
    connections.open++
    return Promise.resolve({
      config: {} as MegaConfig,
      alias: 'db',
      db: mongo as unknown as MongoDbAdapter,
      close: () => Promise.resolve(void connections.open--),
    })
  }
  /** Runs `mega migrate <argv>` against the fake. */
  const migrate = async (...argv: string[]) => {
    const m = memoryIo(root)
    const code = await migrateCommand(parseArgs('migrate', argv), m.io, { connect }).catch(
      (err: unknown) => err,
    )
    return { code, stdout: m.stdout, stderr: m.stderr }
  }
  return { root, name, mongo, connections, migrate }
}

const durations = (text: string) => text.replace(/\(\d+ms\)/g, '(Nms)')

describe('mega migrate on MongoDB', () => {
  it('applies, lists and reverts with the same lines as on SQL, and closes the connection', async () => {
    const { name, mongo, connections, migrate } = await mongoProject()
    expect(await migrate('status')).toEqual({ code: 0, stdout: `· pending  ${name}\n`, stderr: '' })

    const up = await migrate('up')
    expect(up.code).toBe(0)
    expect(durations(up.stdout)).toBe(`✓ applied  ${name} (Nms)\n`)
    const posts = mongo.collections.get('posts')
    expect(posts?.validator).toMatchObject({ $jsonSchema: { properties: { title: {} } } })
    expect(mongo.docs('mega_migrations').map((d) => d._id)).toEqual([name])

    const again = await migrate('up')
    expect(again.stdout).toBe('Nothing to migrate: every migration is applied.\n')
    expect((await migrate('status')).stdout).toBe(`✓ applied  ${name}\n`)

    const down = await migrate('down', '--steps', '1')
    expect(down.code).toBe(0)
    expect(durations(down.stdout)).toBe(`↩ reverted  ${name} (Nms)\n`)
    expect(mongo.collections.has('posts')).toBe(false)
    expect(mongo.docs('mega_migrations')).toEqual([])
    expect(connections.open).toBe(0)
  })

  it('runs in a transaction on a replica set, and prints the commands with --dry-run', async () => {
    const { name, mongo, migrate } = await mongoProject({ transactions: true })
    const dry = await migrate('up', '--dry-run')
    expect(dry.stdout.split('\n')[0]).toBe(`· pending  ${name}`)
    expect(dry.stdout).toContain('createCollection')
    expect(mongo.collections.has('posts')).toBe(false)

    expect((await migrate('up')).code).toBe(0)
    expect(mongo.collections.has('posts')).toBe(true)
    expect(mongo.calls.some((c) => c.op === 'createCollection' && c.session)).toBe(true)
  })

  it('exits 1 with the code and message of a command the server refused', async () => {
    const { name, mongo, migrate } = await mongoProject()
    mongo.collections.set('posts', { docs: [], validator: undefined, indexes: new Map() })
    const up = await migrate('up')
    expect(up.code).toBe(1)
    expect(durations(up.stdout).split('\n')[0]).toBe(`✗ failed  ${name} (Nms)`)
    expect(up.stdout).toContain('(MEGA_DB_MIGRATION_FAILED)')
    expect(up.stderr).toContain(`1 migration failed; first: ${name}`)
  })

  it('makes and checks migrations from the models without a connection (they are dialect-free)', async () => {
    const { root, connections, mongo, migrate } = await mongoProject()
    await writeFile(
      join(root, 'apps/main/models/tag-model.ts'),
      "import { col, defineModel } from '@mega/db'\nexport const Tag = defineModel('tags', { id: col.id(), label: col.string(40) })\n",
    )
    const check = memoryIo(root)
    expect(await run(['migrate', 'check'], check.io)).toBe(1)
    expect(check.stderr).toContain('(create table tags)')
    const make = memoryIo(root)
    expect(await run(['migrate', 'make', 'add tags'], make.io)).toBe(0)
    expect(await run(['migrate', 'check'], memoryIo(root).io)).toBe(0)
    expect(connections.open).toBe(0)

    expect((await migrate('up')).code).toBe(0)
    expect([...mongo.collections.keys()]).toEqual(
      expect.arrayContaining(['posts', 'tags', 'mega_migrations']),
    )
  })

  it('refuses fresh with a coded error that says what to do, dropping nothing', async () => {
    const { mongo, connections, migrate } = await mongoProject()
    expect((await migrate('up')).code).toBe(0)
    const fresh = await migrate('fresh')
    expect(fresh.code).toMatchObject({ code: 'MEGA_CLI_NOT_AVAILABLE' })
    expect(String((fresh.code as Error).message)).toContain('db.dropDatabase()')
    expect(mongo.collections.has('posts')).toBe(true)
    expect(connections.open).toBe(0)
  })

  it('connects a mongo adapter through its driver: an unreachable server is the adapter error', async () => {
    const root = await dbProject({
      db: { driver: 'mongo', url: 'mongodb://127.0.0.1:1/shop', serverSelectionTimeoutMs: 500 },
    })
    const m = memoryIo(root)
    expect(await run(['migrate', 'status'], m.io)).toBe(1)
    expect(m.stderr).not.toContain('MEGA_CLI_NO_DATABASE')
    expect(m.stderr).toContain('(MEGA_ADAPTER_CONNECT_FAILED)')
  })
})
