import { describe, expect, it } from 'vitest'
import { columnExpression, parseScaffoldFields } from '../src/generators/scaffold-fields.js'

const expressions = (args: readonly string[]) =>
  parseScaffoldFields(args).map((f) => `${f.name}: ${columnExpression(f)}`)

describe('field modifiers', () => {
  it('chains unique, index and a default checked for the type', () => {
    expect(
      expressions([
        'email:string:unique',
        'slug:string:index',
        'status:enum(draft|published):default(draft)',
        'views:integer:default(-3)',
        'big:bigint:default(12)',
        'price:decimal:default(9.99)',
        'ok:boolean:default(false)',
        'day:date:default(2024-02-29)',
        'today:date:default(now)',
        'at:timestamp:default(now)',
        "title:string:default(it's: fine)",
        'body:text:default()',
      ]),
    ).toEqual([
      'email: col.string(255).unique()',
      'slug: col.string(255).index()',
      "status: col.enum(['draft', 'published']).default('draft')",
      'views: col.integer().default(-3)',
      "big: col.bigint().default('12')",
      "price: col.decimal(10, 2).default('9.99')",
      'ok: col.boolean().default(false)',
      "day: col.date().default('2024-02-29')",
      "today: col.date().default({ sql: 'now' })",
      "at: col.timestamp().default({ sql: 'now' })",
      "title: col.string(255).default('it\\'s: fine')",
      "body: col.text().default('')",
    ])
  })

  it('takes ? right after the type (canonical) or at the very end', () => {
    expect(expressions(['bio:text?', 'nick:string?:unique', 'tag:string:unique?'])).toEqual([
      'bio: col.text().nullable()',
      'nick: col.string(255).nullable().unique()',
      'tag: col.string(255).nullable().unique()',
    ])
  })

  it('names a reference column <name>_id, infers its model, and indexes it', () => {
    expect(
      expressions([
        'user:references',
        'author:references(User)?',
        'editor_id:references(User)',
        'org_id:references',
        'owner:references(Person):unique',
      ]),
    ).toEqual([
      'user_id: col.references(() => User).index()',
      'author_id: col.references(() => User).nullable().index()',
      'editor_id: col.references(() => User).index()',
      'org_id: col.references(() => Org).index()',
      'owner_id: col.references(() => Person).unique()',
    ])
    const [field] = parseScaffoldFields(['blog_post:references'])
    expect(field).toMatchObject({ name: 'blog_post_id', target: 'BlogPost' })
  })

  it('reports every bad modifier at once, with suggestions', () => {
    const args = [
      'a:string:uniqe',
      'b:string:unique:unique',
      'c:string:unique:index',
      'd:integer:default(x)',
      'e:json:default(1)',
      'f:enum(a|b):default(c)',
      'g:boolean:default(yes)',
      'h:date:default(2024-02-30)',
      'i:string:unique?:index',
      'j:references(User):index',
      'k:string:default',
      'l:text?:unique?',
      'm:timestamp:default(2024-01-01)',
      'n:string:unique(yes)',
      'author:references(User)',
      'author_id:integer',
    ]
    let error: unknown
    try {
      parseScaffoldFields(args)
    } catch (err) {
      error = err
    }
    expect(error).toMatchObject({
      code: 'MEGA_CLI_INVALID_ARGUMENT',
      message: 'mega scaffold: 15 arguments are wrong; nothing was written:',
    })
    expect((error as { issues: unknown }).issues).toEqual([
      {
        path: 'a:string:uniqe',
        message:
          'unknown modifier "uniqe". Did you mean "unique"? Modifiers: unique, index, default(value)',
      },
      { path: 'b:string:unique:unique', message: ':unique is given twice' },
      {
        path: 'c:string:unique:index',
        message: ':unique already indexes the column: keep :unique or :index, not both',
      },
      {
        path: 'd:integer:default(x)',
        message: 'an integer default is a whole number, e.g. default(0) (got "x")',
      },
      {
        path: 'e:json:default(1)',
        message: 'json columns take no default here: write .default(...) in the model by hand',
      },
      {
        path: 'f:enum(a|b):default(c)',
        message: 'an enum default is one of its values: a, b (got "c")',
      },
      {
        path: 'g:boolean:default(yes)',
        message: 'a boolean default is true or false (got "yes")',
      },
      {
        path: 'h:date:default(2024-02-30)',
        message: 'a date default is YYYY-MM-DD or now (got "2024-02-30")',
      },
      {
        path: 'i:string:unique?:index',
        message:
          'unknown modifier "unique?". The ? for nullable goes right after the type: bio:text?. Modifiers: unique, index, default(value)',
      },
      { path: 'j:references(User):index', message: 'references are indexed already: drop :index' },
      { path: 'k:string:default', message: 'default needs its value: default(draft)' },
      { path: 'l:text?:unique?', message: '? is given twice: keep the one after the type' },
      {
        path: 'm:timestamp:default(2024-01-01)',
        message: 'a timestamp default is now, the time of the insert (got "2024-01-01")',
      },
      { path: 'n:string:unique(yes)', message: ':unique takes no value' },
      { path: 'author_id:integer', message: '"author_id" is given twice' },
    ])
  })

  it('counts the arguments, not their problems', () => {
    expect(() => parseScaffoldFields(['a:string:uniqe:default(x', 'b:text'])).toThrow(
      expect.objectContaining({
        message: 'mega scaffold: 1 argument is wrong; nothing was written:',
        issues: [
          {
            path: 'a:string:uniqe:default(x',
            message:
              'unknown modifier "uniqe". Did you mean "unique"? Modifiers: unique, index, default(value)',
          },
          {
            path: 'a:string:uniqe:default(x',
            message:
              'unknown modifier "default(x". Did you mean "default"? Modifiers: unique, index, default(value)',
          },
        ],
      }),
    )
  })

  it('names the command that was given the fields', () => {
    expect(() => parseScaffoldFields(['a:strng'], 'mega generate model')).toThrow(
      /^mega generate model: a:strng: unknown type "strng"\. Did you mean "string"\?/,
    )
  })
})
