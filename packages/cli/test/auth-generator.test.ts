import { existsSync } from 'node:fs'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir } from '@mega/test-utils'
import { describe, expect, it } from 'vitest'
import { run } from '../src/cli.js'
import { generate } from '../src/commands/generate-command.js'
import { dbProject, projectFiles } from './helpers/db-project.js'
import { memoryIo } from './helpers/memory-io.js'

const AUTH_FILES = [
  'apps/main/lib/access-token-table.ts',
  'apps/main/lib/auth-schemas.ts',
  'apps/main/lib/passwords.ts',
  'apps/main/lib/session-secret.ts',
  'apps/main/models/access-token-model.ts',
  'apps/main/models/user-model.ts',
  'apps/main/routes/auth-api.ts',
  'apps/main/routes/auth-pages.ts',
  'apps/main/services/auth-service.ts',
  'apps/main/views/auth/account.ejs',
  'apps/main/views/auth/sign-in.ejs',
  'apps/main/views/auth/sign-up.ejs',
  'apps/main/views/layout.ejs',
  'test/auth.test.ts',
]

/** A db project whose model files also resolve zod (the access-token model imports it). */
async function authProject(): Promise<string> {
  const root = await dbProject({ db: { driver: 'sqlite', filename: ':memory:' } })
  const zod = new URL('../node_modules/zod', import.meta.url).pathname
  await symlink(zod, join(root, 'node_modules/zod'))
  return root
}

describe('mega new --auth', () => {
  it('adds users, the auth service, API, pages, their plugins, migration and test', async () => {
    const cwd = await tempDir()
    const m = memoryIo(cwd, { npm_config_user_agent: 'npm/10.8.2 node/v20' })
    expect(await run(['new', 'club', '--auth', '--skip-install'], m.io)).toBe(0)
    const files = await projectFiles(join(cwd, 'club'))
    expect(files).toEqual(
      expect.arrayContaining([
        ...AUTH_FILES,
        '.mega/journal/history/20250101000000-create-notes.json',
        '.mega/journal/history/20250101000001-create-users.json',
        'apps/main/migrations/20250101000001-create-users.ts',
        'apps/main/routes/notes.ts',
      ]),
    )
    const config = await readFile(join(cwd, 'club/mega.config.ts'), 'utf8')
    for (const plugin of ['sessions({', 'auth({', 'forms()', 'csrf({', 'views({'])
      expect(config).toContain(plugin)
    expect(config).toContain("name: 'club'")
    const migration = await readFile(
      join(cwd, 'club/apps/main/migrations/20250101000001-create-users.ts'),
      'utf8',
    )
    expect(migration).toMatch(/name: 'users'[\s\S]*name: 'email'[\s\S]*unique: true/)
    expect(migration).toContain("name: 'access_tokens'")
    const snapshot = JSON.parse(
      await readFile(join(cwd, 'club/.mega/journal/snapshot.json'), 'utf8'),
    ) as { tables: Record<string, unknown> }
    expect(Object.keys(snapshot.tables).sort()).toEqual(['access_tokens', 'notes', 'users'])
    expect(m.stdout).toContain('cd club\n  npm install && npm run migrate && npm run dev\n')
    expect(m.stdout).toContain('/auth/sign-up')
    expect(await readFile(join(cwd, 'club/README.md'), 'utf8')).toContain('## Sign-in')
  })

  it('writes the plain project without --auth', async () => {
    const cwd = await tempDir()
    expect(await run(['new', 'plain', '--skip-install'], memoryIo(cwd).io)).toBe(0)
    expect(existsSync(join(cwd, 'plain/apps/main/models/user-model.ts'))).toBe(false)
    expect(await readFile(join(cwd, 'plain/mega.config.ts'), 'utf8')).not.toContain('auth(')
    expect(await readFile(join(cwd, 'plain/README.md'), 'utf8')).not.toContain('Sign-in')
  })
})

describe('mega generate auth', () => {
  it('writes the auth files and the users migration, then says what to add to the config', async () => {
    const root = await authProject()
    const m = memoryIo(root)
    expect(await run(['generate', 'auth'], m.io)).toBe(0)
    const files = await projectFiles(root)
    expect(files).toEqual(expect.arrayContaining(AUTH_FILES))
    const migration = files.find((f) => f.startsWith('apps/main/migrations/'))
    expect(migration).toMatch(/^apps\/main\/migrations\/\d{14}-create-users-and-access-tokens\.ts$/)
    expect(await readFile(join(root, migration!), 'utf8')).toContain("name: 'access_tokens'")
    expect(m.stdout).toContain('created apps/main/routes/auth-pages.ts\n')
    expect(m.stdout).toContain(`created ${migration}`)
    expect(m.stdout).toContain('    sessions({ secret: sessionSecret() }),')
    expect(m.stdout).toContain(
      "csrf({ requireToken: (ctx) => ctx.request.url.startsWith('/auth/') })",
    )
  })

  it('keeps the layout of an app that has one, and writes into another app', async () => {
    const root = await authProject()
    await mkdir(join(root, 'apps/admin/views'), { recursive: true })
    await writeFile(join(root, 'apps/admin/views/layout.ejs'), 'mine <%- body %>')
    const result = await generate({ root, kind: 'auth', app: 'admin' })
    expect(result.files).toContain('apps/admin/routes/auth-api.ts')
    expect(result.files).not.toContain('apps/admin/views/layout.ejs')
    expect(await readFile(join(root, 'apps/admin/views/layout.ejs'), 'utf8')).toBe(
      'mine <%- body %>',
    )
    // Every app migrated (admin's users table too), each test rolled back: reruns on a server work.
    expect(await readFile(join(root, 'test/auth.test.ts'), 'utf8')).toContain(
      'withRollback(await createTestApp({ root }), { root })',
    )
    expect(result.next?.join('\n')).toContain('./apps/admin/lib/session-secret.js')
  })

  it('refuses when a file exists or a name is given, and writes nothing', async () => {
    const root = await authProject()
    await mkdir(join(root, 'apps/main/models'), { recursive: true })
    await writeFile(join(root, 'apps/main/models/user-model.ts'), '// mine\n')
    const before = await projectFiles(root)
    const m = memoryIo(root)
    expect(await run(['generate', 'auth'], m.io)).toBe(1)
    expect(m.stderr).toContain('MEGA_CLI_FILE_EXISTS')
    expect(m.stderr).toContain('apps/main/models/user-model.ts already exists')
    expect(await projectFiles(root)).toEqual(before)

    const named = memoryIo(root)
    expect(await run(['generate', 'auth', 'users'], named.io)).toBe(2)
    expect(named.stderr).toContain('mega generate auth takes no name')
    const unnamed = memoryIo(root)
    expect(await run(['generate', 'model'], unnamed.io)).toBe(2)
    expect(unnamed.stderr).toContain('give its name, e.g. mega generate model order-item')
    expect(await projectFiles(root)).toEqual(before)
  })
})
