import { existsSync } from 'node:fs'
import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from '../src/cli.js'
import { scaffold } from '../src/commands/scaffold-command.js'
import { dbProject, projectFiles } from './helpers/db-project.js'
import { memoryIo } from './helpers/memory-io.js'

/** A project on a SQLite file with a scaffolded Post: one pending migration. */
async function postProject() {
  const dir = await dbProject({})
  const root = await dbProject({ db: { driver: 'sqlite', filename: join(dir, 'app.sqlite') } })
  // An injected clock stamps the first migration in the past, so a later `make` sorts after it
  // without waiting for the next second.
  const clock = () => new Date('2026-01-01T00:00:00Z')
  const { migration } = await scaffold({ root, name: 'Post', fields: ['title:string'], clock })
  const name = migration!.replace(/^.*\//, '').replace(/\.ts$/, '')
  return { root, name }
}

const durations = (text: string) => text.replace(/\(\d+ms\)/g, '(Nms)')

describe('mega migrate', () => {
  it('applies, lists, reverts and re-applies with one line per migration', async () => {
    const { root, name } = await postProject()
    const m = memoryIo(root)
    expect(await run(['migrate', 'status'], m.io)).toBe(0)
    expect(m.stdout).toBe(`· pending  ${name}\n`)

    const up = memoryIo(root)
    expect(await run(['migrate', 'up'], up.io)).toBe(0)
    expect(durations(up.stdout)).toBe(`✓ applied  ${name} (Nms)\n`)
    const again = memoryIo(root)
    expect(await run(['migrate', 'up'], again.io)).toBe(0)
    expect(again.stdout).toBe('Nothing to migrate: every migration is applied.\n')

    const status = memoryIo(root)
    expect(await run(['migrate', 'status'], status.io)).toBe(0)
    expect(status.stdout).toBe(`✓ applied  ${name}\n`)

    const down = memoryIo(root)
    expect(await run(['migrate', 'down', '--steps', '1'], down.io)).toBe(0)
    expect(durations(down.stdout)).toBe(`↩ reverted  ${name} (Nms)\n`)
    expect(await run(['migrate', 'up', '--to', name.slice(0, 14)], memoryIo(root).io)).toBe(0)
  })

  it('prints the SQL with --dry-run and changes nothing', async () => {
    const { root, name } = await postProject()
    const m = memoryIo(root)
    expect(await run(['migrate', 'up', '--dry-run'], m.io)).toBe(0)
    expect(m.stdout.split('\n')[0]).toBe(`· pending  ${name}`)
    expect(m.stdout).toMatch(/^ {4}create table "posts" \(/im)
    const status = memoryIo(root)
    await run(['migrate', 'status'], status.io)
    expect(status.stdout).toBe(`· pending  ${name}\n`)
  })

  it('labels what a dry run of down would revert as such, not as pending', async () => {
    const { root, name } = await postProject()
    expect(await run(['migrate', 'up'], memoryIo(root).io)).toBe(0)
    const m = memoryIo(root)
    expect(await run(['migrate', 'down', '--dry-run'], m.io)).toBe(0)
    expect(m.stdout.split('\n')[0]).toBe(`↩ would revert  ${name}`)
    expect(m.stdout).toMatch(/^ {4}drop table "posts"/im)
    const status = memoryIo(root)
    await run(['migrate', 'status'], status.io)
    expect(status.stdout).toBe(`✓ applied  ${name}\n`)
  })

  it('exits 1 and prints the code and message of a failed migration', async () => {
    const { root, name } = await postProject()
    const broken = join(root, 'apps/main/migrations/29990101000000-broken.ts')
    await writeFile(
      broken,
      "export function up(schema) { schema.raw('create tabel nope') }\nexport function down() {}\n",
    )
    const m = memoryIo(root)
    expect(await run(['migrate', 'up'], m.io)).toBe(1)
    const lines = durations(m.stdout).split('\n')
    expect(lines[0]).toBe(`✓ applied  ${name} (Nms)`)
    expect(lines[1]).toBe('✗ failed   29990101000000-broken (Nms)')
    expect(lines[2]).toContain('(MEGA_DB_MIGRATION_FAILED)')
    expect(m.stderr).toContain('1 migration failed; first: 29990101000000-broken')
  })

  it('ends with one clear message and exit 1 when the database is unreachable', async () => {
    const root = await dbProject({
      db: { driver: 'postgres', url: 'postgres://u:p@127.0.0.1:1/x' },
    })
    await scaffold({ root, name: 'Post', fields: ['title:string'] })
    const before = await projectFiles(root)
    const m = memoryIo(root)
    expect(await run(['migrate', 'up'], m.io)).toBe(1)
    expect(m.stdout).toBe('')
    expect(m.stderr).toMatch(
      /^error Could not connect adapter\(s\) db \(.+\n\(MEGA_ADAPTER_CONNECT_FAILED\)\n$/,
    )
    expect(await projectFiles(root)).toEqual(before)
  })

  it('says when there is no db adapter', async () => {
    const root = await dbProject({ cache: { driver: 'memory' } })
    const m = memoryIo(root)
    expect(await run(['migrate', 'status'], m.io)).toBe(1)
    expect(m.stderr).toContain('dbapp has no "db" adapter in mega.config')
    expect(m.stderr).toContain('(MEGA_CLI_NO_DATABASE)')
  })

  it('checks that migrations cover the models, and makes the missing one', async () => {
    const { root } = await postProject()
    expect(await run(['migrate', 'check'], memoryIo(root).io)).toBe(0)
    await writeFile(
      join(root, 'apps/main/models/tag-model.ts'),
      "import { col, defineModel } from '@mega/db'\nexport const Tag = defineModel('tags', { id: col.id(), label: col.string(40) })\n",
    )
    const m = memoryIo(root)
    expect(await run(['migrate', 'check'], m.io)).toBe(1)
    expect(m.stderr).toContain(
      'The models of app main have changes no migration covers (create table tags)',
    )
    expect(m.stderr).toContain('mega migrate make <name>')
    expect(m.stderr).toContain('(MEGA_DB_MIGRATION_UNCOVERED)')

    const make = memoryIo(root)
    expect(await run(['migrate', 'make', 'add tags'], make.io)).toBe(0)
    expect(make.stdout).toMatch(/^created apps\/main\/migrations\/\d{14}-add-tags\.ts\n$/)
    expect(await run(['migrate', 'check'], memoryIo(root).io)).toBe(0)
  })

  it('refuses a bad --steps and a name for anything but make', async () => {
    const { root } = await postProject()
    const m = memoryIo(root)
    expect(await run(['migrate', 'down', '--steps', '0'], m.io)).toBe(2)
    expect(m.stderr).toContain('--steps must be a positive whole number, not "0"')
    expect(await run(['migrate', 'up', 'x'], m.io)).toBe(2)
    expect(m.stderr).toContain('only make takes a name')
    expect(existsSync(join(root, 'data'))).toBe(false)
    expect(await readdir(join(root, 'apps/main/migrations'))).toHaveLength(1)
  })
})
