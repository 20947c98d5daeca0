import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from '../src/cli.js'
import { scaffold } from '../src/commands/scaffold-command.js'
import { columnExpression, parseScaffoldFields } from '../src/generators/scaffold-fields.js'
import { dbProject, projectFiles } from './helpers/db-project.js'
import { memoryIo } from './helpers/memory-io.js'

const sqlite = { db: { driver: 'sqlite', filename: ':memory:' } }

describe('parseScaffoldFields', () => {
  it('reads every type, enum values, references and ? for nullable', () => {
    const fields = parseScaffoldFields([
      'title:string',
      'body:text?',
      'views:integer',
      'big:bigint',
      'price:decimal',
      'published:boolean',
      'day:date',
      'at:timestamp?',
      'meta:json',
      'status:enum(draft|published)',
      'author:references(user)',
    ])
    expect(fields.map((f) => `${f.name}: ${columnExpression(f)}`)).toEqual([
      'title: col.string(255)',
      'body: col.text().nullable()',
      'views: col.integer()',
      'big: col.bigint()',
      'price: col.decimal(10, 2)',
      'published: col.boolean()',
      'day: col.date()',
      'at: col.timestamp().nullable()',
      'meta: col.json()',
      "status: col.enum(['draft', 'published'])",
      'author_id: col.references(() => User).index()',
    ])
  })

  it('reports every bad field at once, with a suggestion', () => {
    const bad = ['title:strng', 'id:integer', 'x', 'a:enum', 'a:text', 'b:enum(a|a)']
    expect(() => parseScaffoldFields(bad)).toThrow(
      expect.objectContaining({
        code: 'MEGA_CLI_INVALID_ARGUMENT',
        message: 'mega scaffold: 5 arguments are wrong; nothing was written:',
        issues: [
          {
            path: 'title:strng',
            message:
              'unknown type "strng". Did you mean "string"? Types: string, text, integer, bigint, decimal, boolean, date, timestamp, json, enum, references',
          },
          { path: 'id:integer', message: '"id" is added by the model itself: pick another name' },
          { path: 'x', message: 'write fields as name:type, e.g. title:string' },
          { path: 'a:enum', message: 'enum needs its values: enum(draft|published)' },
          {
            path: 'b:enum(a|a)',
            message:
              'enum values are distinct words of letters, digits, _ or -: enum(draft|published)',
          },
        ],
      }),
    )
  })
})

describe('mega scaffold', () => {
  it('writes the model, its migration, a CRUD service, routes and tests', async () => {
    const root = await dbProject(sqlite)
    const m = memoryIo(root)
    const args = ['scaffold', 'Post', 'title:string', 'body:text?', 'status:enum(draft|published)']
    expect(await run(args, m.io)).toBe(0)
    const files = await projectFiles(root)
    const migration = files.find((f) => f.startsWith('apps/main/migrations/'))
    expect(migration).toMatch(/^apps\/main\/migrations\/\d{14}-create-posts\.ts$/)
    expect(files).toEqual(
      expect.arrayContaining([
        'apps/main/models/post-model.ts',
        'apps/main/services/post-service.ts',
        'apps/main/routes/posts.ts',
        'test/models/post-model.test.ts',
        'test/routes/posts.test.ts',
        '.mega/journal/snapshot.json',
      ]),
    )
    expect(m.stdout).toContain(`created ${migration}\n`)
    const model = await readFile(join(root, 'apps/main/models/post-model.ts'), 'utf8')
    expect(model).toContain(`export const Post = defineModel('posts', {
  id: col.id(),
  title: col.string(255),
  body: col.text().nullable(),
  status: col.enum(['draft', 'published']),
})`)
    const routes = await readFile(join(root, 'apps/main/routes/posts.ts'), 'utf8')
    expect(routes).toContain("r.resource('posts', {")
    expect(routes).toContain('body: Post.schemas.create')
    const test = await readFile(join(root, 'test/routes/posts.test.ts'), 'utf8')
    expect(test).toContain("const input = { title: 'title 1', body: 'body 1', status: 'draft' }")
  })

  it('adds HTML pages for browsers when the app has views', async () => {
    const root = await dbProject(sqlite)
    await mkdir(join(root, 'apps/main/views'), { recursive: true })
    await scaffold({ root, name: 'Post', fields: ['title:string', 'published:boolean'] })
    const files = await projectFiles(root)
    expect(files).toEqual(
      expect.arrayContaining(['apps/main/views/posts/index.ejs', 'apps/main/views/posts/show.ejs']),
    )
    const routes = await readFile(join(root, 'apps/main/routes/posts.ts'), 'utf8')
    expect(routes).toContain("import { action, defineRoutes, wantsHtml } from '@mega/core'")
    expect(routes).toContain("ctx.render('posts/index', { title: 'Posts', page })")
    const index = await readFile(join(root, 'apps/main/views/posts/index.ejs'), 'utf8')
    expect(index).toContain('const fields = ["title","published"]')
    const test = await readFile(join(root, 'test/routes/posts.test.ts'), 'utf8')
    expect(test).toContain("it('answers browsers with HTML pages', async () => {")
    expect(test).not.toContain('{{')

    const plain = await dbProject(sqlite) // no views folder: JSON only, no pages
    await scaffold({ root: plain, name: 'Post', fields: ['title:string'] })
    expect((await projectFiles(plain)).some((f) => f.endsWith('.ejs'))).toBe(false)
    expect(await readFile(join(plain, 'apps/main/routes/posts.ts'), 'utf8')).not.toContain(
      'wantsHtml',
    )
  })

  it('adds new and edit forms with the CSRF token when the config has forms() and csrf()', async () => {
    const root = await dbProject(sqlite)
    await mkdir(join(root, 'apps/main/views'), { recursive: true })
    // The scaffold reads the config as text (it does not run it) for the two plugins.
    await writeFile(join(root, 'mega.config.ts'), 'export default { plugins: [forms(), csrf()] }\n')
    const fields = ['title:string', 'views:integer', 'published:boolean', 'status:enum(a|b)?']
    const result = await scaffold({ root, name: 'Post', fields })
    expect(result.notes).toEqual([])
    expect(result.files).toEqual(
      expect.arrayContaining([
        'apps/main/routes/posts-forms.ts',
        'apps/main/views/posts/new.ejs',
        'apps/main/views/posts/edit.ejs',
        'test/routes/posts-forms.test.ts',
      ]),
    )
    const routes = await readFile(join(root, 'apps/main/routes/posts-forms.ts'), 'utf8')
    expect(routes).toContain("r.post('/posts/new'")
    expect(routes).toContain("views: ['number', false],")
    expect(routes).toContain("status: ['text', true],")
    expect(routes).toContain('Post.schemas.update.safeParse(fromForm(ctx.body))')
    const form = await readFile(join(root, 'apps/main/views/posts/new.ejs'), 'utf8')
    expect(form).toContain('<input type="hidden" name="_csrf" value="<%= csrf %>">')
    expect(form).toContain(
      '<input type="number" id="views" name="views" value="<%= values.views %>" required>',
    )
    expect(form).toContain(
      '<% if (errors.title) { %><p class="field-error"><%= errors.title %></p><% } %>',
    )
    expect(form).toContain('<option value=""></option>') // a nullable enum can be left empty
    expect(await readFile(join(root, 'apps/main/views/posts/show.ejs'), 'utf8')).toContain(
      '<a href="/posts/<%= item.id %>/edit">Edit</a>',
    )
    const test = await readFile(join(root, 'test/routes/posts-forms.test.ts'), 'utf8')
    expect(test).toContain(
      "...asForm({ title: 'title 1', views: 1, published: true, status: 'a' }), views: 'not a number' }",
    )
    expect(test).not.toContain('{{')
  })

  it('writes no forms, and says why, when the config lacks forms() or csrf()', async () => {
    const root = await dbProject(sqlite)
    await mkdir(join(root, 'apps/main/views'), { recursive: true })
    const m = memoryIo(root)
    expect(await run(['scaffold', 'Post', 'title:string'], m.io)).toBe(0)
    expect(m.stdout).toContain('new and edit forms were not written: they need forms() and csrf()')
    expect(existsSync(join(root, 'apps/main/views/posts/new.ejs'))).toBe(false)
    expect(await readFile(join(root, 'apps/main/views/posts/index.ejs'), 'utf8')).not.toContain(
      '/posts/new',
    )
  })

  it('stops at a bad field type with one message, exit 2, and no files', async () => {
    const root = await dbProject(sqlite)
    const before = await projectFiles(root)
    const m = memoryIo(root)
    expect(await run(['scaffold', 'Post', 'title:string', 'body:txt'], m.io)).toBe(2)
    expect(m.stderr).toMatchInlineSnapshot(`
      "error mega scaffold: body:txt: unknown type "txt". Did you mean "text"? Types: string, text, integer, bigint, decimal, boolean, date, timestamp, json, enum, references. Nothing was written.
      (MEGA_CLI_INVALID_ARGUMENT)
      "
    `)
    expect(await projectFiles(root)).toEqual(before)
    expect(existsSync(join(root, 'apps'))).toBe(false)
  })

  it('refuses a reference to a model that does not exist, and seeds one that does', async () => {
    const root = await dbProject(sqlite)
    const m = memoryIo(root)
    expect(await run(['scaffold', 'Comment', 'text:text', 'post:references(Post)'], m.io)).toBe(2)
    expect(m.stderr).toContain('post_id: apps/main/models/post-model.ts does not exist')
    expect(existsSync(join(root, 'apps'))).toBe(false)

    await scaffold({ root, name: 'Post', fields: ['title:string', 'body:text?'] })
    const later = () => new Date(Date.now() + 2000) // the next migration sorts after the first
    const fields = ['text:text', 'post:references(Post)']
    await scaffold({ root, name: 'Comment', fields, clock: later })
    const model = await readFile(join(root, 'apps/main/models/comment-model.ts'), 'utf8')
    expect(model).toContain("import { Post } from './post-model.js'")
    expect(model).toContain('post_id: col.references(() => Post).index(),')
    const test = await readFile(join(root, 'test/routes/comments.test.ts'), 'utf8')
    expect(test).toContain(
      "const postRow = await createCrud(Post, db).create({ title: 'title 1' })",
    )
    expect(test).toContain("const input = { text: 'text 1', post_id: postRow.id }")
  })

  it('removes what it wrote when the migration cannot be generated', async () => {
    const root = await dbProject(sqlite)
    await mkdir(join(root, 'apps/main'), { recursive: true })
    await writeFile(join(root, 'apps/main/keep.txt'), 'x')
    const before = await projectFiles(root)
    const failing = async () => ({
      generateMigration: async () => {
        throw new Error('disk full')
      },
    })
    await expect(
      scaffold({ root, name: 'Post', fields: ['title:string'], importDb: failing as never }),
    ).rejects.toThrow('disk full')
    expect(await projectFiles(root)).toEqual(before)
    expect(existsSync(join(root, 'apps/main/models'))).toBe(false)
    expect(existsSync(join(root, 'test'))).toBe(false)
  })
})
