import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from '../src/cli.js'
import { destroy } from '../src/commands/destroy-command.js'
import { scaffold } from '../src/commands/scaffold-command.js'
import { dbProject, projectFiles } from './helpers/db-project.js'
import { memoryIo } from './helpers/memory-io.js'

/** A project on a SQLite file (so `migrate up` persists between commands). */
async function sqliteProject() {
  const dir = await dbProject({})
  return dbProject({ db: { driver: 'sqlite', filename: join(dir, 'app.sqlite') } })
}

// A past stamp, so a later `generate migration` sorts after it without waiting a second.
const clock = () => new Date('2026-01-01T00:00:00Z')

async function mega(root: string, args: readonly string[]) {
  const m = memoryIo(root)
  const code = await run([...args], m.io)
  return { code, stdout: m.stdout, stderr: m.stderr }
}

const scaffoldFiles = [
  'apps/main/models/post-model.ts',
  'apps/main/routes/posts.ts',
  'apps/main/services/post-service.ts',
  'test/models/post-model.test.ts',
  'test/routes/posts.test.ts',
]

describe('mega destroy scaffold', () => {
  it('before migrate: removes every file, the migration and its journal entry; scaffold works again', async () => {
    const root = await sqliteProject()
    await mkdir(join(root, 'apps/main/views/layouts'), { recursive: true })
    await writeFile(join(root, 'apps/main/views/layouts/main.ejs'), '<%- body %>\n')
    const before = await projectFiles(root)
    const made = await scaffold({ root, name: 'Post', fields: ['title:string'], clock })
    const out = await mega(root, ['destroy', 'scaffold', 'Post'])
    expect(out.code).toBe(0)
    const views = ['apps/main/views/posts/index.ejs', 'apps/main/views/posts/show.ejs']
    const name = made.migration!.replace(/^.*\//, '').replace(/\.ts$/, '')
    expect(out.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        ...[...scaffoldFiles, ...views].map((f) => `removed ${f}`),
        'removed apps/main/views/posts/',
        `removed ${made.migration}`,
        `removed .mega/journal/history/${name}.json`,
        'restored .mega/journal/snapshot.json',
      ]),
    )
    // Only what scaffold wrote is gone: the layout and the views folder stay.
    expect(await projectFiles(root)).toEqual(before)
    expect(existsSync(join(root, 'apps/main/views/posts'))).toBe(false)
    expect(await mega(root, ['migrate', 'status'])).toMatchObject({ code: 0 })
    expect(await mega(root, ['migrate', 'check'])).toMatchObject({ code: 0 })
    const again = await scaffold({ root, name: 'Post', fields: ['title:string'], clock })
    expect(again.migration).toBe(made.migration)
    expect(await readFile(join(root, again.migration!), 'utf8')).toContain("name: 'posts'")
  })

  it('after migrate up: removes the files, keeps the migration and says how to drop the table', async () => {
    const root = await sqliteProject()
    const made = await scaffold({ root, name: 'Post', fields: ['title:string'], clock })
    expect((await mega(root, ['migrate', 'up'])).code).toBe(0)
    const out = await mega(root, ['destroy', 'scaffold', 'Post'])
    expect(out.code).toBe(0)
    for (const file of scaffoldFiles) expect(existsSync(join(root, file))).toBe(false)
    expect(existsSync(join(root, made.migration!))).toBe(true)
    expect(out.stdout).toContain(`kept ${made.migration} (the database has applied it)\n`)
    expect(out.stdout).toContain(
      'the posts table stays until a migration drops it (the models no longer have it):\n' +
        '  npx mega generate migration drop-posts --allow-destructive\n' +
        '  npx mega migrate up\n',
    )
    const check = await mega(root, ['migrate', 'check'])
    expect(check.stderr).toContain('MEGA_DB_MIGRATION_UNCOVERED')
    const drop = await mega(root, ['generate', 'migration', 'drop-posts', '--allow-destructive'])
    expect(drop.code).toBe(0)
    expect((await mega(root, ['migrate', 'up'])).stdout).toMatch(/applied {2}\d{14}-drop-posts/)
    expect(await mega(root, ['migrate', 'check'])).toMatchObject({ code: 0 })
    const status = await mega(root, ['migrate', 'status'])
    expect(status.stdout).not.toContain('pending')
  })

  it('removes the forms too when the app has views and forms() with csrf()', async () => {
    const root = await sqliteProject()
    await mkdir(join(root, 'apps/main/views'), { recursive: true })
    await writeFile(join(root, 'mega.config.ts'), 'export default { plugins: [forms(), csrf()] }\n')
    const made = await scaffold({
      root,
      name: 'order-item',
      fields: ['qty:integer'],
      clock,
    })
    expect(made.files).toContain('apps/main/routes/order-items-forms.ts')
    const result = await destroy({ root, kind: 'scaffold', name: 'OrderItem' })
    expect([...result.removed].sort()).toEqual([...made.files].sort())
    expect(result.skipped).toEqual([])
    expect(result.folders).toEqual(['apps/main/views/order-items'])
    expect(existsSync(join(root, 'apps/main/views'))).toBe(true)
    // This config is read as text only: loading it fails, so the migration stays, with a warning.
    expect(result.migration).toMatchObject({ outcome: 'unreachable' })
    expect(existsSync(join(root, made.migration!))).toBe(true)
  })

  it('lists what it would remove with --dry-run and changes nothing', async () => {
    const root = await sqliteProject()
    const made = await scaffold({ root, name: 'Post', fields: ['title:string'], clock })
    const before = await projectFiles(root)
    const snapshot = await readFile(join(root, '.mega/journal/snapshot.json'), 'utf8')
    const out = await mega(root, ['destroy', 'scaffold', 'Post', '--dry-run'])
    expect(out.code).toBe(0)
    expect(out.stdout).toContain('would remove apps/main/models/post-model.ts\n')
    expect(out.stdout).toContain(`would remove ${made.migration}\n`)
    expect(out.stdout).toContain('would restore .mega/journal/snapshot.json\n')
    expect(await projectFiles(root)).toEqual(before)
    expect(await readFile(join(root, '.mega/journal/snapshot.json'), 'utf8')).toBe(snapshot)
  })

  it('keeps the migration with a coded warning when the database does not answer', async () => {
    const root = await sqliteProject()
    const made = await scaffold({ root, name: 'Post', fields: ['title:string'], clock })
    const result = await destroy({
      root,
      kind: 'scaffold',
      name: 'Post',
      connect: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432')
      },
    })
    expect(result.migration).toMatchObject({
      file: made.migration,
      outcome: 'unreachable',
      reason: 'Error: connect ECONNREFUSED 127.0.0.1:5432',
      warning: 'MEGA_CLI_DATABASE_UNREACHABLE',
    })
    expect(result.next).toEqual([
      `start the database and run npx mega destroy scaffold Post again to take back ${made.migration}.`,
    ])
    expect(existsSync(join(root, made.migration!))).toBe(true)
    expect(existsSync(join(root, scaffoldFiles[0]!))).toBe(false)
  })
})

describe('mega destroy', () => {
  it('removes a generated model, service and route, and skips files that are gone', async () => {
    const root = await sqliteProject()
    for (const kind of ['model', 'service', 'route'])
      expect((await mega(root, ['generate', kind, 'order-item'])).code).toBe(0)
    const before = await projectFiles(root)
    await writeFile(join(root, 'apps/main/services/keep-service.ts'), 'export {}\n')
    const service = await mega(root, ['destroy', 'service', 'order-item'])
    expect(service.stdout).toBe(
      'removed apps/main/services/order-item-service.ts\nremoved test/services/order-item-service.test.ts\n',
    )
    await rm(join(root, 'test/routes/order-item.test.ts'))
    const route = await mega(root, ['destroy', 'controller', 'order-item'])
    expect(route.stdout).toBe(
      'removed apps/main/controllers/order-item-controller.ts\nremoved apps/main/routes/order-item.ts\nskipped test/routes/order-item.test.ts (not found)\n',
    )
    expect((await mega(root, ['destroy', 'model', 'OrderItem'])).code).toBe(0)
    expect(await projectFiles(root)).toEqual(
      [
        ...before.filter((f) => !f.includes('order-item')),
        'apps/main/services/keep-service.ts',
      ].sort(),
    )
  })

  it('takes back a named migration, and refuses one that is not the last', async () => {
    const root = await sqliteProject()
    const made = await scaffold({ root, name: 'Post', fields: ['title:string'], clock })
    await writeFile(
      join(root, 'apps/main/migrations/20260101000001-backfill.ts'),
      'export function up() {}\nexport function down() {}\n',
    )
    const first = made.migration!.replace(/^.*\//, '').replace(/\.ts$/, '')
    const notLast = await mega(root, ['destroy', 'migration', first.slice(0, 14)])
    expect(notLast.stdout).toBe(
      `kept ${made.migration} (later migrations follow it)\n` +
        'destroy the later ones first, or generate a new migration that undoes it.\n',
    )
    expect(existsSync(join(root, made.migration!))).toBe(true)
    const out = await mega(root, ['destroy', 'migration', 'backfill'])
    expect(out.stdout).toBe('removed apps/main/migrations/20260101000001-backfill.ts\n')
    expect((await mega(root, ['destroy', 'migration', first])).code).toBe(0)
    expect(existsSync(join(root, made.migration!))).toBe(false)
  })

  it('fails with coded errors for an unknown kind, a bad name, or nothing to remove', async () => {
    const root = await sqliteProject()
    const kind = await mega(root, ['destroy', 'scafold', 'Post'])
    expect(kind.code).toBe(2)
    expect(kind.stderr).toContain('MEGA_CLI_UNKNOWN_GENERATOR')
    expect(kind.stderr).toContain('Did you mean "scaffold"?')
    const auth = destroy({ root, kind: 'auth', name: 'x' })
    await expect(auth).rejects.toMatchObject({ code: 'MEGA_CLI_UNKNOWN_GENERATOR' })
    const name = await mega(root, ['destroy', 'model', '1user'])
    expect(name.code).toBe(2)
    expect(name.stderr).toContain('MEGA_CLI_INVALID_ARGUMENT')
    const none = destroy({ root, kind: 'model', name: 'ghost' })
    await expect(none).rejects.toMatchObject({
      code: 'MEGA_CLI_NOTHING_TO_DESTROY',
      details: {
        looked: [
          'apps/main/models/ghost-model.ts',
          'test/models/ghost-model.test.ts',
          'a migration creating the ghosts table',
        ],
      },
    })
    expect((await mega(root, ['destroy', 'job', 'ghost'])).code).toBe(1)
  })
})
