import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir } from '@mega/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { run } from '../src/cli.js'
import { createProject, detectPackageManager } from '../src/commands/new-command.js'
import { TEMPLATE_VERSIONS } from '../src/templates.js'
import { memoryIo } from './helpers/memory-io.js'

async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort()
}

describe('mega new', () => {
  it('writes the project tree and prints the next two commands', async () => {
    const cwd = await tempDir()
    const m = memoryIo(cwd, { npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v20.20.0 linux x64' })
    expect(await run(['new', 'my-shop', '--skip-install'], m.io)).toBe(0)
    expect(await tree(join(cwd, 'my-shop'))).toMatchInlineSnapshot(`
      [
        ".env.example",
        ".gitignore",
        ".mega/journal/history/20250101000000-create-notes.json",
        ".mega/journal/snapshot.json",
        "README.md",
        "apps/main/migrations/20250101000000-create-notes.ts",
        "apps/main/models/note-model.ts",
        "apps/main/routes/home.ts",
        "apps/main/routes/notes.ts",
        "apps/main/services/note-service.ts",
        "mega.config.ts",
        "package.json",
        "test/app.test.ts",
        "test/note-model.test.ts",
        "test/notes.test.ts",
        "tsconfig.json",
        "vitest.config.ts",
      ]
    `)
    expect(m.stdout).toContain('cd my-shop\n  pnpm install && pnpm run dev\n')
    const pkg = JSON.parse(await readFile(join(cwd, 'my-shop/package.json'), 'utf8'))
    expect(pkg.name).toBe('my-shop')
    expect(pkg.dependencies['@mega/core']).toMatch(/^\^\d+\.\d+\.\d+/)
    const config = await readFile(join(cwd, 'my-shop/mega.config.ts'), 'utf8')
    expect(config).toContain("driver: 'sqlite'")
    expect(config).not.toContain('{{')
    expect(await readdir(cwd)).toEqual(['my-shop']) // no staging folder left behind
  })

  it('refuses a folder that is not empty and writes nothing', async () => {
    const cwd = await tempDir()
    await mkdir(join(cwd, 'app'))
    await writeFile(join(cwd, 'app/notes.txt'), 'mine')
    const m = memoryIo(cwd)
    expect(await run(['new', 'app', '--skip-install'], m.io)).toBe(1)
    expect(m.stderr).toContain('is not empty (notes.txt): pick a new folder, or pass --force')
    expect(m.stderr).toContain('MEGA_CLI_DIR_NOT_EMPTY')
    expect(await tree(join(cwd, 'app'))).toEqual(['notes.txt'])
    expect(await readdir(cwd)).toEqual(['app'])
  })

  it('writes into a folder that is not empty with --force, keeping other files', async () => {
    const cwd = await tempDir()
    await mkdir(join(cwd, 'app'))
    await writeFile(join(cwd, 'app/notes.txt'), 'mine')
    const m = memoryIo(cwd)
    expect(await run(['new', 'app', '--force', '--skip-install'], m.io)).toBe(0)
    expect(await readFile(join(cwd, 'app/notes.txt'), 'utf8')).toBe('mine')
    expect(existsSync(join(cwd, 'app/mega.config.ts'))).toBe(true)
    expect(await readdir(cwd)).toEqual(['app'])
  })

  it('uses an empty existing folder', async () => {
    const cwd = await tempDir()
    await mkdir(join(cwd, 'empty'))
    expect(await run(['new', 'empty', '--skip-install'], memoryIo(cwd).io)).toBe(0)
    expect(existsSync(join(cwd, 'empty/apps/main/routes/home.ts'))).toBe(true)
  })

  it('installs with the package manager that ran it', async () => {
    const cwd = await tempDir()
    const install = vi.fn(async () => undefined)
    const { io } = memoryIo(cwd, { npm_config_user_agent: 'yarn/4.1.0 npm/? node/v20' })
    const result = await createProject({ dir: 'y' }, io, install)
    expect(install).toHaveBeenCalledWith('yarn', join(cwd, 'y'), io)
    expect(result).toMatchObject({ name: 'y', packageManager: 'yarn', installed: true })
  })

  it('leaves the files in place and says what to do when installing fails', async () => {
    const cwd = await tempDir()
    const m = memoryIo(cwd)
    await expect(
      createProject({ dir: 'z', packageManager: 'npm' }, m.io, async () => {
        throw new Error('offline')
      }),
    ).rejects.toThrow('offline')
    expect(existsSync(join(cwd, 'z/package.json'))).toBe(true)
  })

  it('detects the package manager from npm_config_user_agent', () => {
    expect(detectPackageManager({ npm_config_user_agent: 'pnpm/10.0.0 npm/? node/v20' })).toBe(
      'pnpm',
    )
    expect(detectPackageManager({ npm_config_user_agent: 'npm/10.8.2 node/v20' })).toBe('npm')
    expect(detectPackageManager({})).toBe('npm')
  })

  it('refuses a name that cannot name a project', async () => {
    const m = memoryIo(await tempDir())
    expect(await run(['new', '1st', '--skip-install'], m.io)).toBe(2)
    expect(m.stderr).toContain('cannot name a project')
  })
})

/** Creates `dir` in a new temporary folder without installing; resolves its root and a reader. */
async function created(dir: string, options: Omit<Parameters<typeof createProject>[0], 'dir'>) {
  const cwd = await tempDir()
  const result = await createProject({ dir, skipInstall: true, ...options }, memoryIo(cwd).io)
  const read = (path: string) => readFile(join(result.root, path), 'utf8')
  const pkg = JSON.parse(await read('package.json')) as {
    dependencies: Record<string, string>
    devDependencies: Record<string, string>
    pnpm: { onlyBuiltDependencies: string[] }
  }
  return { result, read, pkg, files: await tree(result.root) }
}

const DRIVERS = ['better-sqlite3', 'mongodb', 'mysql2', 'pg']

describe('mega new --db', () => {
  it('sqlite (the default): a file, better-sqlite3 and its build, in-memory tests, no .env', async () => {
    const { result, read, pkg, files } = await created('shop', {})
    expect(result.db).toBe('sqlite')
    expect(await read('mega.config.ts')).toContain(
      "db: { driver: 'sqlite', filename: env('DATABASE_FILE', './data/app.sqlite') },",
    )
    expect(await read('.env.example')).toContain('DATABASE_FILE=./data/app.sqlite\n')
    expect(files).not.toContain('.env')
    expect(pkg.dependencies).toMatchObject({
      'better-sqlite3': TEMPLATE_VERSIONS.betterSqliteRange,
    })
    expect(Object.keys(pkg.dependencies).filter((d) => DRIVERS.includes(d))).toEqual([
      'better-sqlite3',
    ])
    expect(pkg.pnpm.onlyBuiltDependencies).toEqual(['better-sqlite3', 'esbuild'])
    expect(await read('vitest.config.ts')).toContain("env: { DATABASE_FILE: ':memory:' }")
    expect(await read('README.md')).toContain('npx mega migrate up  # create the tables')
  })

  it.each([
    ['postgres', 'pg', TEMPLATE_VERSIONS.pgRange, 'postgres://postgres@127.0.0.1:5432/my_shop'],
    ['maria', 'mysql2', TEMPLATE_VERSIONS.mysqlRange, 'mysql://root@127.0.0.1:3306/my_shop'],
  ] as const)(
    '%s: a URL in .env and .env.example, the %s driver, my_shop_test for the tests',
    async (db, driver, range, base) => {
      const { result, read, pkg, files } = await created('my-shop', { db })
      expect(result.db).toBe(db)
      const config = await read('mega.config.ts')
      expect(config).toContain(`db: { driver: '${db}', url: env('DATABASE_URL') },`)
      expect(config).toContain('db: SqlDbAdapter')
      for (const file of ['.env', '.env.example']) {
        const env = await read(file)
        expect(env).toContain(`\nDATABASE_URL=${base}_development\n`)
        expect(env).toContain(`\nDATABASE_URL_TEST=${base}_test\n`)
        expect(env).not.toContain('DATABASE_FILE')
      }
      expect(files).toContain('.env')
      expect(pkg.dependencies[driver]).toBe(range)
      expect(Object.keys(pkg.dependencies).filter((d) => DRIVERS.includes(d))).toEqual([driver])
      expect(Object.keys(pkg.devDependencies).filter((d) => d.startsWith('@types/'))).toEqual([
        '@types/node',
      ])
      expect(pkg.pnpm.onlyBuiltDependencies).toEqual(['esbuild'])
      const vitest = await read('vitest.config.ts')
      expect(vitest).not.toContain('DATABASE_FILE')
      expect(vitest).toContain('my_shop_test')
      const readme = await read('README.md')
      expect(readme).toContain('npx mega db create   # create the development database')
      expect(readme).toContain('npx mega migrate up  # create the tables of apps/main/migrations\n')
      expect(readme).toContain('`my_shop_test`')
      expect(readme).not.toContain('SQLite')
      // The sample resource and its dialect-neutral migration and journal, as on SQLite.
      expect(files).toEqual(expect.arrayContaining(NOTES))
    },
  )

  it('mongo: the mongodb driver, a URL, and tests that boot the app only with MEGA_TEST_MONGO_URL', async () => {
    const { read, pkg, files } = await created('docs', { db: 'mongo' })
    const config = await read('mega.config.ts')
    expect(config).toContain("db: { driver: 'mongo', url: env('DATABASE_URL') },")
    expect(config).toContain('db: MongoDbAdapter')
    expect(await read('.env')).toContain(
      '\nDATABASE_URL=mongodb://127.0.0.1:27017/docs_development\n',
    )
    expect(await read('.env.example')).toContain('MEGA_TEST_MONGO_URL')
    expect(Object.keys(pkg.dependencies).filter((d) => DRIVERS.includes(d))).toEqual(['mongodb'])
    expect(pkg.dependencies.mongodb).toBe(TEMPLATE_VERSIONS.mongodbRange)
    expect(pkg.pnpm.onlyBuiltDependencies).toEqual(['esbuild'])
    expect(files).toEqual(expect.arrayContaining([...NOTES, 'test/mongo-test-app.ts']))
    for (const test of ['test/app.test.ts', 'test/notes.test.ts']) {
      const text = await read(test)
      expect(text).toContain("import { mongoTestApp, withMongo } from './mongo-test-app.js'")
      expect(text).not.toContain('withRollback')
    }
    const model = await read('test/note-model.test.ts')
    expect(model).toContain('createMongoCrud')
    expect(model).not.toContain('SqlDbAdapter')
    expect(await read('test/mongo-test-app.ts')).toContain('it.skipIf(url === undefined)')
    expect(await read('README.md')).toContain('MEGA_TEST_MONGO_URL')
  })

  it('refuses another database, naming the four, and writes nothing', async () => {
    const cwd = await tempDir()
    const m = memoryIo(cwd)
    expect(await run(['new', 'shop', '--db', 'oracle', '--skip-install'], m.io)).toBe(2)
    expect(m.stderr).toContain('must be one of sqlite, postgres, maria, mongo, not "oracle"')
    expect(m.stderr).toContain('MEGA_CLI_INVALID_ARGUMENT')
    await expect(
      createProject({ dir: 'shop', skipInstall: true, db: 'mysql' as 'maria' }, m.io),
    ).rejects.toMatchObject({ code: 'MEGA_CLI_INVALID_ARGUMENT' })
    expect(await readdir(cwd)).toEqual([])
  })

  it('refuses sign-in on MongoDB (it needs SQL tables), writing nothing', async () => {
    const cwd = await tempDir()
    const m = memoryIo(cwd)
    expect(await run(['new', 'club', '--db', 'mongo', '--auth', '--skip-install'], m.io)).toBe(2)
    expect(m.stderr).toContain('--auth needs a SQL database')
    expect(m.stderr).toContain('MEGA_CLI_INVALID_ARGUMENT')
    expect(await readdir(cwd)).toEqual([])
  })

  it('with --auth on a SQL server: the sign-in config on that database', async () => {
    const { read, files } = await created('club', { db: 'maria', auth: true })
    const config = await read('mega.config.ts')
    expect(config).toContain("db: { driver: 'maria', url: env('DATABASE_URL') },")
    expect(config).toContain('sessions({ secret: sessionSecret() })')
    expect(config).not.toContain('sqlite')
    expect(files).toEqual(expect.arrayContaining([...NOTES, 'test/auth.test.ts', '.env']))
    expect(await read('test/auth.test.ts')).toContain('withRollback(')
  })

  it('prints the database step first on a SQL server', async () => {
    const m = memoryIo(await tempDir())
    expect(await run(['new', 'api', '--db', 'postgres', '--skip-install'], m.io)).toBe(0)
    expect(m.stdout).toContain('npm install && npx mega db create && npm run dev\n')
    expect(m.stdout).toContain('PostgreSQL server of DATABASE_URL (.env) running')
  })
})

/** The files of the sample notes resource. */
const NOTES = [
  '.mega/journal/history/20250101000000-create-notes.json',
  '.mega/journal/snapshot.json',
  'apps/main/migrations/20250101000000-create-notes.ts',
  'apps/main/models/note-model.ts',
  'apps/main/routes/notes.ts',
  'apps/main/services/note-service.ts',
  'test/note-model.test.ts',
  'test/notes.test.ts',
]

describe('mega new --bare', () => {
  it('leaves out the notes resource: the config, the home route and its test', async () => {
    const { result, read, files } = await created('api', { bare: true, db: 'postgres' })
    expect(result.bare).toBe(true)
    expect(files).toEqual([
      '.env',
      '.env.example',
      '.gitignore',
      'README.md',
      'apps/main/routes/home.ts',
      'mega.config.ts',
      'package.json',
      'test/app.test.ts',
      'tsconfig.json',
      'vitest.config.ts',
    ])
    expect(await read('apps/main/routes/home.ts')).not.toContain('notes')
    expect(await read('test/app.test.ts')).not.toContain('notes')
  })

  it('keeps the MongoDB test helper on MongoDB', async () => {
    const { files } = await created('api', { bare: true, db: 'mongo' })
    expect(files.filter((f) => f.startsWith('test/'))).toEqual([
      'test/app.test.ts',
      'test/mongo-test-app.ts',
    ])
  })

  it('with --auth: sign-in alone, its journal without the notes table', async () => {
    const { read, files } = await created('club', { bare: true, auth: true })
    for (const file of NOTES.filter((f) => f !== '.mega/journal/snapshot.json'))
      expect(files).not.toContain(file)
    expect(files).toEqual(
      expect.arrayContaining([
        '.mega/journal/history/20250101000001-create-users.json',
        'apps/main/migrations/20250101000001-create-users.ts',
        'apps/main/services/auth-service.ts',
        'test/auth.test.ts',
      ]),
    )
    type Schema = { tables: Record<string, unknown> }
    const snapshot = JSON.parse(await read('.mega/journal/snapshot.json')) as Schema
    expect(Object.keys(snapshot.tables).sort()).toEqual(['access_tokens', 'users'])
    const history = '.mega/journal/history/20250101000001-create-users.json'
    const entry = JSON.parse(await read(history)) as {
      snapshot: Schema
      operations: { table: { name: string } }[]
    }
    expect(Object.keys(entry.snapshot.tables).sort()).toEqual(['access_tokens', 'users'])
    expect(entry.operations.map((o) => o.table.name)).toEqual(['users', 'access_tokens'])
  })
})
