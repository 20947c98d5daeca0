import { existsSync, readdirSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { requireService, tempDir, uniqueName } from '@mega/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
import { run } from '../src/cli.js'
import { scaffold } from '../src/commands/scaffold-command.js'
import { dbProject } from './helpers/db-project.js'
import { memoryIo } from './helpers/memory-io.js'

const pg = await requireService('postgres')

/** A SQLite project (file under data/, not created yet) with a scaffolded Post and a seeds file. */
async function project(seeds = true) {
  // A relative file, as in a new app: it lives under the project root, whatever the cwd.
  const root = await dbProject({ db: { driver: 'sqlite', filename: './data/app.sqlite' } })
  const clock = () => new Date('2026-01-01T00:00:00Z')
  await scaffold({ root, name: 'Post', fields: ['title:string'], clock })
  if (seeds)
    await writeFile(
      join(root, 'apps/main/seeds.mjs'),
      `export default async (ctx) => {
        await ctx.db().kysely().insertInto('posts').values({ title: 'seeded' }).execute()
        return (await ctx.db().kysely().selectFrom('posts').select('title').execute()).map((r) => r.title)
      }\n`,
    )
  return { root, file: join(root, 'data/app.sqlite') }
}

async function mega(
  root: string,
  args: string[],
  env: Record<string, string> = {},
  cwd: string = root,
) {
  const m = memoryIo(cwd, env)
  const code = await run(args, m.io)
  return { code, stdout: m.stdout.replace(/\(\d+ms\)/g, '(Nms)'), stderr: m.stderr }
}

const titles = async (root: string) => {
  const r = await mega(root, ['run', 'titles.mjs'])
  return r.stdout.trim()
}

describe('mega db', () => {
  it('create makes the SQLite file, drop removes it, each says when there is nothing to do', async () => {
    const { root, file } = await project()
    expect(await mega(root, ['db', 'create'])).toMatchObject({
      code: 0,
      stdout: `Created database ${file}.\n`,
    })
    expect(existsSync(file)).toBe(true)
    expect((await mega(root, ['db', 'create'])).stdout).toBe(`Database ${file} already exists.\n`)
    expect((await mega(root, ['db', 'drop'])).stdout).toBe(`Dropped database ${file}.\n`)
    expect(existsSync(file)).toBe(false)
    expect((await mega(root, ['db', 'drop'])).stdout).toBe(`Database ${file} does not exist.\n`)
  })

  it('--root from another folder uses <root>/data/app.sqlite and creates nothing in the cwd', async () => {
    const { root, file } = await project()
    const cwd = await tempDir('mega-db-elsewhere-')
    const processFile = join(process.cwd(), 'data/app.sqlite')
    const before = existsSync(processFile)
    await writeFile(
      join(root, 'titles.mjs'),
      `export default async (ctx) => JSON.stringify((await ctx.db().kysely().selectFrom('posts').select('title').execute()).map((r) => r.title))\n`,
    )
    const elsewhere = (args: string[]) => mega(root, [...args, '--root', root], {}, cwd)
    expect(await elsewhere(['db', 'create'])).toMatchObject({
      code: 0,
      stdout: `Created database ${file}.\n`,
    })
    expect((await elsewhere(['migrate', 'up'])).code).toBe(0)
    expect((await elsewhere(['db', 'seed'])).code).toBe(0)
    expect((await elsewhere(['run', 'titles.mjs'])).stdout.trim()).toBe('["seeded"]')
    // The same file, seen from the root itself.
    expect(await titles(root)).toBe('["seeded"]')
    expect(readdirSync(cwd)).toEqual([])
    expect(existsSync(processFile)).toBe(before)
  })

  it('reset drops, creates, migrates and seeds; seed runs the seeds again', async () => {
    const { root } = await project()
    await writeFile(
      join(root, 'titles.mjs'),
      `export default async (ctx) => JSON.stringify((await ctx.db().kysely().selectFrom('posts').select('title').execute()).map((r) => r.title))\n`,
    )
    const reset = await mega(root, ['db', 'reset'])
    expect(reset.code).toBe(0)
    expect(reset.stdout).toMatch(
      /Database .* does not exist\.\nCreated database .*\n✓ applied {2}\d{14}-create-posts \(Nms\)\nSeeded from apps\/main\/seeds\.mjs\.\n\[ 'seeded' \]\n$/,
    )
    expect((await mega(root, ['db', 'seed'])).code).toBe(0)
    expect(await titles(root)).toBe('["seeded","seeded"]')
    expect((await mega(root, ['db', 'reset'])).code).toBe(0)
    expect(await titles(root)).toBe('["seeded"]')
  })

  it('seed without a seeds file says which file to write', async () => {
    const { root } = await project(false)
    const r = await mega(root, ['db', 'seed'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('apps/main/seeds.ts')
    expect(r.stderr).toContain('MEGA_CLI_INVALID_ARGUMENT')
  })

  it('drop and reset refuse under NODE_ENV=production without --force, and change nothing', async () => {
    const { root, file } = await project()
    await mega(root, ['db', 'create'])
    for (const action of ['drop', 'reset']) {
      const r = await mega(root, ['db', action], { NODE_ENV: 'production' })
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('--force')
      expect(existsSync(file)).toBe(true)
    }
    expect((await mega(root, ['db', 'drop', '--force'], { NODE_ENV: 'production' })).code).toBe(0)
    expect(existsSync(file)).toBe(false)
  })

  const dropLater: string[] = []
  afterAll(async () => {
    for (const root of dropLater) await mega(root, ['db', 'drop'])
  })

  it.runIf(pg.available)(
    'creates and drops a PostgreSQL database named in DATABASE_URL',
    async () => {
      const url = new URL(pg.url!)
      url.pathname = `/${uniqueName('mega_cli_db').replaceAll('-', '_')}`
      const root = await dbProject({ db: { driver: 'postgres', url: url.toString() } })
      dropLater.push(root)
      const name = url.pathname.slice(1)
      expect((await mega(root, ['db', 'create'])).stdout).toBe(`Created database ${name}.\n`)
      expect((await mega(root, ['db', 'create'])).stdout).toBe(`Database ${name} already exists.\n`)
      expect((await mega(root, ['db', 'drop'])).stdout).toBe(`Dropped database ${name}.\n`)
    },
  )
})

describe('mega migrate fresh', () => {
  it('drops every table, hand-made ones too, and applies every migration again', async () => {
    const { root } = await project()
    await mega(root, ['migrate', 'up'])
    await writeFile(
      join(root, 'extra.mjs'),
      `export default async (ctx) => {
        await ctx.db().kysely().schema.createTable('stray').addColumn('id', 'integer').execute()
        await ctx.db().kysely().insertInto('posts').values({ title: 'old' }).execute()
      }\n`,
    )
    await mega(root, ['run', 'extra.mjs'])
    const fresh = await mega(root, ['migrate', 'fresh'])
    expect(fresh.code).toBe(0)
    expect(fresh.stdout).toMatch(
      /^Dropped \d+ tables\.\n✓ applied {2}\d{14}-create-posts \(Nms\)\n$/,
    )
    await writeFile(
      join(root, 'tables.mjs'),
      `export default async (ctx) => JSON.stringify({ tables: (await ctx.db().kysely().introspection.getTables()).map((t) => t.name).sort(), posts: (await ctx.db().kysely().selectFrom('posts').selectAll().execute()).length })\n`,
    )
    expect((await mega(root, ['run', 'tables.mjs'])).stdout.trim()).toBe(
      '{"tables":["mega_migrations","mega_migrations_lock","posts"],"posts":0}',
    )
    const prod = await mega(root, ['migrate', 'fresh'], { NODE_ENV: 'production' })
    expect(prod.code).toBe(2)
    expect(prod.stderr).toContain('--force')
  })
})

describe('mega generate migration --empty', () => {
  it('writes a migration to fill in by hand even when the models are unchanged; it applies', async () => {
    const { root } = await project()
    expect((await mega(root, ['generate', 'migration', 'nothing'])).stdout).toContain(
      'Nothing to migrate',
    )
    const r = await mega(root, ['generate', 'migration', 'backfill-titles', '--empty'])
    expect(r.code).toBe(0)
    const file = /created (\S+)/.exec(r.stdout)?.[1]
    expect(file).toMatch(/^apps\/main\/migrations\/\d{14}-backfill-titles\.ts$/)
    const text = await readFile(join(root, file!), 'utf8')
    expect(text).toContain('export function up(schema: MigrationSchema): void {')
    await writeFile(
      join(root, file!),
      text.replace(
        '  void schema\n}',
        '  schema.raw("INSERT INTO posts (title) VALUES (\'by hand\')")\n}',
      ),
    )
    const up = await mega(root, ['migrate', 'up'])
    expect(up.stdout).toMatch(/✓ applied {2}\d{14}-backfill-titles/)
    const check = await mega(root, ['migrate', 'check'])
    expect(check.code).toBe(0)
    const bad = await mega(root, ['generate', 'model', 'x', '--empty'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--empty is for migrations only')
  })
})
