// The field grammar for real: in a project made by `mega new` and installed from the workspace's
// packed packages, `mega generate model` and `mega scaffold` with modifiers and references write code
// that type-checks, migrations named after what they do that apply, and tests that pass. Needs
// `pnpm build` first (the tarballs hold dist/) and pnpm on PATH.
import { describe, expect, it } from 'vitest'
import { installedApp, must } from './helpers/generated-app.js'

describe('generated fields', () => {
  it('generates models and scaffolds with modifiers and references that migrate and pass their tests', async () => {
    const app = await installedApp('fields-app')
    const mega = (...args: string[]) => must('npx', ['mega', ...args], app)

    const author = await mega(
      'generate',
      'model',
      'Author',
      'name:string:unique',
      'bio:text?',
      'joined:date:default(now)',
    )
    expect(author).toMatch(/created apps\/main\/migrations\/\d{14}-create-authors\.ts/)
    await mega('generate', 'model', 'Tag') // no fields: no migration yet
    const post = await mega(
      'scaffold',
      'Post',
      'title:string:index',
      'status:enum(draft|published):default(draft)',
      'views:integer:default(0)',
      'author:references',
      'editor:references(Author)?',
      'tag:references',
    )
    expect(post).toMatch(/created apps\/main\/migrations\/\d{14}-create-tags-and-posts\.ts/)
    const migrated = await mega('migrate', 'up')
    expect(migrated).toMatch(/create-authors .*\n.*create-tags-and-posts/)
    expect(await mega('migrate', 'check')).not.toContain('UNCOVERED')

    await must('npx', ['tsc', '-p', 'tsconfig.json'], app) // the generated code type-checks
    expect(await must('npx', ['vitest', 'run'], app)).toMatch(/Tests\s+\d+ passed/)
  }, 300_000)
})
