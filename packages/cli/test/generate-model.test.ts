import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { run } from '../src/cli.js'
import { generate } from '../src/commands/generate-command.js'
import { scaffold } from '../src/commands/scaffold-command.js'
import { dbProject, projectFiles } from './helpers/db-project.js'
import { memoryIo } from './helpers/memory-io.js'

const sqlite = { db: { driver: 'sqlite', filename: ':memory:' } }
/** A clock `seconds` ahead, so that each migration sorts after the one before. */
const ahead = (seconds: number) => () => new Date(Date.now() + seconds * 1000)
const migrations = (files: readonly string[]) =>
  files.filter((f) => f.startsWith('apps/main/migrations/'))

describe('mega generate model with fields', () => {
  it('writes the model with its columns, its test and its migration', async () => {
    const root = await dbProject(sqlite)
    const m = memoryIo(root)
    const args = ['generate', 'model', 'User', 'email:string:unique', 'bio:text?', 'age:integer']
    expect(await run([...args, 'role:enum(admin|member):default(member)'], m.io)).toBe(0)
    const files = await projectFiles(root)
    const [migration] = migrations(files)
    expect(migration).toMatch(/^apps\/main\/migrations\/\d{14}-create-users\.ts$/)
    expect(m.stdout).toBe(
      `created apps/main/models/user-model.ts\ncreated test/models/user-model.test.ts\ncreated ${migration}\nthen: npx mega migrate up to create the table\n`,
    )
    const model = await readFile(join(root, 'apps/main/models/user-model.ts'), 'utf8')
    expect(model).toContain(`export const User = defineModel('users', {
  id: col.id(),
  email: col.string(255).unique(),
  bio: col.text().nullable(),
  age: col.integer(),
  role: col.enum(['admin', 'member']).default('member'),
})`)
    const test = await readFile(join(root, 'test/models/user-model.test.ts'), 'utf8')
    expect(test).toContain(
      "const valid = { email: 'email 1', bio: 'bio 1', age: 1, role: 'admin' }",
    )
    expect(await readFile(join(root, migration!), 'utf8')).toContain("name: 'users_email_key'")
    expect(files).not.toContain('apps/main/services/user-service.ts')
  })

  it('refuses bad fields, and fields for another kind, writing nothing', async () => {
    const root = await dbProject(sqlite)
    const m = memoryIo(root)
    expect(await run(['generate', 'model', 'User', 'email:strng', 'name:string:uniqe'], m.io)).toBe(
      2,
    )
    expect(m.stderr).toContain('error mega generate model: 2 arguments are wrong')
    expect(m.stderr).toContain('Did you mean "unique"?')
    const s = memoryIo(root)
    expect(await run(['generate', 'service', 'User', 'email:string'], s.io)).toBe(2)
    expect(s.stderr).toContain('mega generate service takes no fields (got "email:string")')
    expect(existsSync(join(root, 'apps'))).toBe(false)
  })

  it('removes the model again when the migration cannot be generated', async () => {
    const root = await dbProject(sqlite)
    const before = await projectFiles(root)
    const failing = async () => ({
      generateMigration: async () => {
        throw new Error('disk full')
      },
    })
    await expect(
      generate({ root, kind: 'model', name: 'User', fields: ['email:string'], importDb: failing }),
    ).rejects.toThrow('disk full')
    expect(await projectFiles(root)).toEqual(before)
    expect(existsSync(join(root, 'apps'))).toBe(false)
  })
})

describe('migrations named after what they do', () => {
  it('leaves the name to @mega/db, or names it create-<table> when that @mega/db cannot', async () => {
    const root = await dbProject(sqlite)
    const generateMigration = vi.fn(async () => null)
    const fields = ['email:string']
    const older = async () => ({ generateMigration })
    await generate({ root, kind: 'model', name: 'OrderItem', fields, importDb: older })
    expect(generateMigration).toHaveBeenLastCalledWith(
      expect.objectContaining({ name: 'create-order-items' }),
    )
    const newer = async () => ({ generateMigration, migrationNameFor: () => 'x' })
    await generate({ root, kind: 'model', name: 'Tag', fields, importDb: newer })
    expect(generateMigration.mock.lastCall).toEqual([
      expect.not.objectContaining({ name: expect.anything() as unknown }),
    ])
  })

  it('names a scaffold migration after the table of a model it references but was not migrated', async () => {
    const root = await dbProject(sqlite)
    await generate({ root, kind: 'model', name: 'User' }) // no fields: a model to edit, no migration
    expect(migrations(await projectFiles(root))).toEqual([])
    const result = await scaffold({
      root,
      name: 'Post',
      fields: ['title:string', 'author:references(User)'],
    })
    expect(result.migration).toMatch(/^apps\/main\/migrations\/\d{14}-create-users-and-posts\.ts$/)
    const model = await readFile(join(root, 'apps/main/models/post-model.ts'), 'utf8')
    expect(model).toContain('author_id: col.references(() => User).index(),')
    const test = await readFile(join(root, 'test/routes/posts.test.ts'), 'utf8')
    expect(test).toContain("const userRow = await createCrud(User, db).create({ name: 'name 1' })")
    expect(test).toContain("const input = { title: 'title 1', author_id: userRow.id }")
    const migration = await readFile(join(root, result.migration!), 'utf8')
    expect(migration).toContain("name: 'posts_author_id_idx'")
    expect(migration).toContain("name: 'posts_author_id_fkey'")

    const added = await generate({
      root,
      kind: 'model',
      name: 'Tag',
      fields: ['post:references'],
      clock: ahead(2),
    })
    expect(added.migration).toEqual({
      file: expect.stringMatching(/^apps\/main\/migrations\/\d{14}-create-tags\.ts$/) as string,
    })
  })

  it('refuses to drop a removed model unless --allow-destructive, then names the migration after both', async () => {
    const root = await dbProject(sqlite)
    await scaffold({ root, name: 'Note', fields: ['body:text'] })
    await rm(join(root, 'apps/main/models/note-model.ts'))
    const before = await projectFiles(root)
    const m = memoryIo(root)
    expect(await run(['scaffold', 'Link', 'url:string'], m.io)).toBe(1)
    expect(m.stderr).toContain(
      'mega scaffold: the migration would also lose data the models no longer have (notes: ',
    )
    expect(m.stderr).toContain('Re-run with --allow-destructive')
    expect(m.stderr).toContain('(MEGA_DB_MIGRATION_DESTRUCTIVE)')
    expect(await projectFiles(root)).toEqual(before)

    const later = await scaffold({
      root,
      name: 'Link',
      fields: ['url:string'],
      allowDestructive: true,
      clock: ahead(2),
    })
    expect(later.migration).toMatch(
      /^apps\/main\/migrations\/\d{14}-create-links-and-drop-notes\.ts$/,
    )
    const text = await readFile(join(root, later.migration!), 'utf8')
    expect(text).toContain("schema.dropTable('notes'")
    expect(text).toContain("name: 'links'")
  })
})
