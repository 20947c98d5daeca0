// The newcomer path, exactly as a user walks it: every package is packed and published to a local
// registry (verdaccio on loopback, the public registry as uplink for third-party packages), then, in a
// folder outside the repository, `npx @mega/cli new my-app` installs from that registry with npm, the
// app boots and answers its first route, its tests pass, a resource is scaffolded, migrated and used
// over HTTP, `mega routes` lists it and a scripted `mega console` session reads and writes through it.
import { createHash } from 'node:crypto'
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createFormClient,
  requireService,
  run,
  startServer,
  userShellEnv,
  type ServerProcess,
} from '@mega/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { typeInto } from '../src/interactive.js'
import { startLocalRegistry, type LocalRegistry } from '../src/registry.js'
import { createAppFromClone } from '../src/create-app.js'
import { packAll, publishablePackages } from '../src/workspace.js'

const pg = await requireService('postgres')
let tmp: string
let registry: LocalRegistry | undefined
const tarballs = new Map<string, string>() // package name → packed tarball

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mega-e2e-'))
  const packages = await publishablePackages()
  const packed = await packAll(packages, join(tmp, 'packs'))
  packages.forEach((pkg, i) => tarballs.set(pkg.name, packed[i]!))
  await mkdir(join(tmp, 'registry'))
  registry = await startLocalRegistry({
    dir: join(tmp, 'registry'),
    localOnly: packages.map((p) => p.name),
  })
  for (const tarball of packed) await registry.publish(tarball)
})

afterAll(async () => {
  await registry?.stop()
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true })
})

/** A user's shell pointed at the local registry, with an npm cache of its own (nothing stale). */
function shell(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return userShellEnv({
    npm_config_registry: registry!.url,
    npm_config_cache: join(tmp, 'npm-cache'),
    npm_config_update_notifier: 'false',
    ...extra,
  })
}

function sri(file: Buffer): string {
  return `sha512-${createHash('sha512').update(file).digest('base64')}`
}

async function json(res: Response): Promise<{ ok: boolean; data: Record<string, unknown> }> {
  return (await res.json()) as { ok: boolean; data: Record<string, unknown> }
}

/** The app's files and their sizes, without node_modules: what a failed command must not change. */
async function projectFiles(root: string): Promise<Record<string, number>> {
  const files: Record<string, number> = {}
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    if (entry.isFile() && !path.includes('node_modules')) files[path] = (await stat(path)).size
  }
  return files
}

describe('a newcomer, from the registry', () => {
  it('creates an app with npx, runs it, tests it, scaffolds, migrates and uses a resource', async () => {
    const work = join(tmp, 'work') // outside the repository: no workspace to fall back on
    await mkdir(work)
    const app = join(work, 'my-app')
    const inApp = (command: string, args: string[], input?: string) =>
      run(command, args, { cwd: app, env: shell(), ...(input === undefined ? {} : { input }) })

    const created = await run('npx', ['--yes', '@mega/cli', 'new', 'my-app'], {
      cwd: work,
      env: shell(),
    })
    expect(created).toContain('Created my-app')
    expect(created).toMatch(/Next:\n {2}cd my-app\n {2}npm run dev/)

    // Installed from the registry, byte for byte what was packed: not a link into the workspace.
    const lock = JSON.parse(await readFile(join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { integrity?: string; link?: boolean }>
    }
    for (const name of ['@mega/core', '@mega/db', '@mega/observe', '@mega/cli']) {
      const entry = lock.packages[`node_modules/${name}`]
      expect(entry?.link, name).toBeUndefined()
      expect(entry?.integrity, name).toBe(sri(await readFile(tarballs.get(name)!)))
      expect((await lstat(join(app, 'node_modules', name))).isSymbolicLink()).toBe(false)
    }

    const mega = join(app, 'node_modules/.bin/mega')
    const serve = () => startServer(mega, ['start'], { cwd: app, env: shell({ PORT: '0' }) })
    let server: ServerProcess = await serve()
    try {
      const home = await fetch(`${server.url}/`)
      expect(home.status).toBe(200)
      expect(home.headers.get('x-content-type-options')).toBe('nosniff') // the template's security()
      expect(await json(home)).toMatchObject({ ok: true, data: { hello: 'my-app' } })
    } finally {
      expect(await server.stop()).toBe(0)
    }

    expect(await inApp('npm', ['test'])).toMatch(/Tests\s+\d+ passed/)

    // Mistakes end with one coded message and a non-zero exit, and write nothing.
    const before = await projectFiles(app)
    const failures = [
      [work, ['--yes', '@mega/cli', 'new', 'my-app'], 'MEGA_CLI_DIR_NOT_EMPTY'],
      [app, ['mega', 'generate', 'widget', 'Gadget'], 'MEGA_CLI_UNKNOWN_GENERATOR'],
      [app, ['mega', 'scaffold', 'Thing', 'name:strng'], 'MEGA_CLI_INVALID_ARGUMENT'],
    ] as const
    for (const [cwd, args, code] of failures) {
      const failed = await run('npx', args, { cwd, env: shell() }).then(
        (out) => `unexpected success:\n${out}`,
        (err: Error) => err.message,
      )
      expect(failed).toMatch(/exited [1-9]\d*:/)
      expect(failed).toContain(`(${code})`)
    }
    expect(await projectFiles(app)).toEqual(before)

    // Turn on views (a folder and one plugin), so the scaffold also writes pages for browsers.
    await mkdir(join(app, 'apps/main/views'))
    const configFile = join(app, 'mega.config.ts')
    const config = await readFile(configFile, 'utf8')
    await writeFile(
      configFile,
      config
        .replace(
          'import { defineConfig, env, security }',
          'import { defineConfig, env, security, views }',
        )
        .replace('plugins: [security()]', 'plugins: [security(), views()]'),
    )
    expect(await readFile(configFile, 'utf8')).toContain('plugins: [security(), views()]')

    const scaffolded = await inApp('npx', [
      'mega',
      'scaffold',
      'Post',
      'title:string',
      'body:text',
      'published:boolean',
    ])
    expect(scaffolded).toMatch(/created apps\/main\/migrations\/\d{14}-create-posts\.ts/)
    expect(scaffolded).toContain('created apps/main/views/posts/show.ejs')
    const migrated = await inApp('npx', ['mega', 'migrate', 'up'])
    expect(migrated).toMatch(
      /✓ applied {2}\d{14}-create-notes .*\n✓ applied {2}\d{14}-create-posts/,
    )
    expect(await inApp('npx', ['mega', 'migrate', 'status'])).not.toContain('pending')
    expect(await inApp('npm', ['test'])).toMatch(/Tests\s+\d+ passed/) // with the scaffold's tests

    const table = await inApp('npx', ['mega', 'routes'])
    expect(table).toMatch(/GET\s+\/posts\/:id\s+posts\.show/)
    expect(table).toMatch(/DELETE\s+\/posts\/:id\s+posts\.destroy/)

    server = await serve()
    try {
      const post = await fetch(`${server.url}/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Hello', body: 'First post', published: false }),
      })
      expect(post.status).toBe(201)
      const id = (await json(post)).data.id as number
      expect(await json(await fetch(`${server.url}/posts`))).toMatchObject({
        data: { total: 1, items: [{ id, title: 'Hello' }] },
      })
      const patched = await fetch(`${server.url}/posts/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ published: true }),
      })
      expect(await json(patched)).toMatchObject({ data: { id, published: true, title: 'Hello' } })
      const bad = await fetch(`${server.url}/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 42 }),
      })
      expect(bad.status).toBe(422)
      const page = await fetch(`${server.url}/posts/${id}`, {
        headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, // a browser
      })
      const body = await page.text()
      expect({ status: page.status, type: page.headers.get('content-type'), body }).toMatchObject({
        status: 200,
        type: expect.stringContaining('text/html') as unknown,
        body: expect.stringContaining('<dd>Hello</dd>') as unknown,
      })
      expect((await fetch(`${server.url}/posts/${id}`, { method: 'DELETE' })).status).toBe(200)
      expect((await fetch(`${server.url}/posts/${id}`)).status).toBe(404)
    } finally {
      expect(await server.stop()).toBe(0)
    }

    // A scripted console session: the booted app's services and database, then .exit closes it all.
    const titles = `console.log('titles', JSON.stringify((await ctx.db().kysely().selectFrom('posts').select('title').execute()).map((r) => r.title)))`
    const consoleSession = (args: string[], lines: string[]) =>
      typeInto('npx', ['mega', 'console', ...args], {
        cwd: app,
        env: shell(),
        prompt: 'my-app> ',
        lines: [...lines, '.exit'],
      })
    const session = await consoleSession(
      [],
      [
        `const made = await ctx.inject({ method: 'POST', url: '/posts', payload: { title: 'From the console', body: 'typed', published: true } })`,
        `console.log('status', made.statusCode, 'app', config.name)`,
        titles,
      ],
    )
    expect(session).toContain('my-app: ctx, config and mega are ready')
    expect(session).toContain('status 201 app my-app')
    expect(session).toContain('titles ["From the console"]')

    // --sandbox: the session sees its writes; the database does not keep them.
    const sandboxed = await consoleSession(
      ['--sandbox'],
      [
        `await ctx.inject({ method: 'POST', url: '/posts', payload: { title: 'Sandboxed', body: 'gone', published: false } })`,
        titles,
      ],
    )
    expect(sandboxed).toContain('sandbox: changes to db are rolled back when you leave.')
    expect(sandboxed).toContain('titles ["From the console","Sandboxed"]')
    expect(await consoleSession([], [titles])).toContain('titles ["From the console"]')
  })

  it('creates an app with --auth that signs up and signs in over HTTP', async () => {
    const work = join(tmp, 'auth-work')
    await mkdir(work)
    const app = join(work, 'club')
    const created = await run('npx', ['--yes', '@mega/cli', 'new', 'club', '--auth'], {
      cwd: work,
      env: shell(),
    })
    expect(created).toMatch(/Next:\n {2}cd club\n {2}npm run migrate && npm run dev/)
    const migrated = await run('npm', ['run', 'migrate'], { cwd: app, env: shell() })
    expect(migrated).toMatch(/✓ applied {2}\d{14}-create-users/)

    const server = await startServer(join(app, 'node_modules/.bin/mega'), ['start'], {
      cwd: app,
      env: shell({ PORT: '0', SESSION_SECRET: 'e2e-session-secret-of-at-least-32-chars' }),
    })
    try {
      const email = 'new.user@example.com'
      const password = 'a long enough password'
      const browser = createFormClient(server.url)
      const signUp = await browser.open('/auth/sign-up')
      expect(signUp.body).toContain('name="_csrf"')
      const short = await browser.submit('/auth/sign-up', { email, password: 'short' })
      expect(short.status).toBe(422)
      expect(short.body).toContain('use at least 10 characters')
      expect(await browser.submit('/auth/sign-up', { email, password })).toMatchObject({
        status: 303,
        location: '/auth/account',
      })
      expect((await browser.open('/auth/account')).body).toContain(email)
      expect((await browser.submit('/auth/sign-out', {}, '/auth/account')).status).toBe(303)
      expect((await browser.open('/auth/account')).status).toBe(303) // signed out: to sign-in

      const refused = await browser.submit('/auth/sign-in', { email, password: 'not my password' })
      expect(refused.status).toBe(401)
      expect(refused.body).toContain('Wrong email or password.')
      expect(await browser.submit('/auth/sign-in', { email, password })).toMatchObject({
        status: 303,
        location: '/auth/account',
      })
      expect((await browser.open('/auth/account')).body).toContain(email)

      // The JSON API: a bearer token from the same account, refused with a wrong password.
      const login = (pw: string) =>
        fetch(`${server.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: pw }),
        })
      expect((await login('not my password')).status).toBe(401)
      const token = (await json(await login(password))).data.token as string
      const me = await fetch(`${server.url}/api/auth/me`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(await json(me)).toMatchObject({ ok: true, data: { email } })
    } finally {
      expect(await server.stop()).toBe(0)
    }
  })
})

describe.runIf(pg.available)('a developer, from the registry, on PostgreSQL', () => {
  // The Rails-grade loop of issue 20: a PostgreSQL app with only its own driver installed, a model
  // generated with modifiers, a scaffold that references it, the databases created and migrated, the
  // tests run twice against `<name>_test` with the development database untouched, the scaffold
  // destroyed, and a seed script run through `mega run`.
  it('new --db postgres, generate model, scaffold, db create, migrate, test twice, destroy, run', async () => {
    const name = `loop-${process.pid}`
    const dev = `${name.replace(/-/g, '_')}_development`
    const test = `${name.replace(/-/g, '_')}_test`
    const psql = (db: string, sql: string) =>
      run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-tAc', sql], {
        cwd: tmp,
        env: shell(),
      }).then((out) => out.trim())
    const dropDatabases = async () => {
      for (const db of [dev, test]) await psql('postgres', `DROP DATABASE IF EXISTS "${db}"`)
    }
    await dropDatabases()
    const work = join(tmp, 'loop-work')
    await mkdir(work)
    const app = join(work, name)
    const inApp = (command: string, args: string[]) =>
      run(command, args, { cwd: app, env: shell() })
    try {
      await run('npx', ['--yes', '@mega/cli', 'new', name, '--db', 'postgres'], {
        cwd: work,
        env: shell(),
      })
      // Only the driver this database needs is installed.
      const manifest = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>
      }
      expect(manifest.dependencies).toHaveProperty('pg')
      for (const other of ['better-sqlite3', 'mysql2', 'mongodb']) {
        expect(manifest.dependencies, other).not.toHaveProperty(other)
        await expect(stat(join(app, 'node_modules', other)), other).rejects.toThrow(/ENOENT/)
      }

      const model = await inApp('npx', [
        'mega',
        'generate',
        'model',
        'Author',
        'name:string',
        'email:string:unique',
        'bio:text?',
        'rank:integer:default(0):index',
      ])
      expect(model).toMatch(/created apps\/main\/models\/author-model\.ts/)
      expect(model).toMatch(/created apps\/main\/migrations\/\d{14}-create-authors\.ts/)
      const authorModel = await readFile(join(app, 'apps/main/models/author-model.ts'), 'utf8')
      expect(authorModel).toContain('.unique()')
      expect(authorModel).toContain('.default(0)')

      const scaffolded = await inApp('npx', [
        'mega',
        'scaffold',
        'Post',
        'title:string',
        'body:text?',
        'author:references',
      ])
      expect(scaffolded).toMatch(/created apps\/main\/migrations\/\d{14}-create-posts\.ts/)

      expect(await inApp('npx', ['mega', 'db', 'create'])).toContain(dev)
      const migrated = await inApp('npx', ['mega', 'migrate', 'up'])
      expect(migrated).toMatch(/✓ applied {2}\d{14}-create-authors/)
      expect(migrated).toMatch(/✓ applied {2}\d{14}-create-posts/)
      // author:references made author_id, with its foreign key.
      expect(
        await psql(
          dev,
          `SELECT count(*) FROM information_schema.table_constraints WHERE table_name = 'posts' AND constraint_type = 'FOREIGN KEY'`,
        ),
      ).toBe('1')
      expect(
        await psql(
          dev,
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'author_id'`,
        ),
      ).toBe('author_id')

      for (let round = 1; round <= 2; round++) {
        const out = await inApp('npm', ['test'])
        expect(out, `round ${round}`).toMatch(/Tests\s+\d+ passed/)
        expect(out, `round ${round}`).not.toMatch(/\d+ failed/)
      }
      for (const table of ['authors', 'posts'])
        expect(await psql(dev, `SELECT count(*) FROM ${table}`), table).toBe('0') // untouched

      const destroyed = await inApp('npx', ['mega', 'destroy', 'scaffold', 'Post'])
      expect(destroyed).toContain('removed apps/main/models/post-model.ts')
      expect(destroyed).toContain('--allow-destructive') // the applied migration stays; how to drop it
      await expect(stat(join(app, 'apps/main/models/post-model.ts'))).rejects.toThrow(/ENOENT/)
      await expect(stat(join(app, 'apps/main/services/post-service.ts'))).rejects.toThrow(/ENOENT/)

      await mkdir(join(app, 'scripts'))
      await writeFile(
        join(app, 'scripts/seed.ts'),
        [
          "import { defineScript } from '@mega/cli'",
          "import type { SqlDbAdapter } from '@mega/db'",
          '',
          "export default defineScript(async (ctx, [count = '2']) => {",
          '  const db = ctx.db<SqlDbAdapter>().kysely<{ authors: { name: string; email: string } }>()',
          '  for (let i = 1; i <= Number(count); i++)',
          "    await db.insertInto('authors').values({ name: `Author ${i}`, email: `a${i}@example.com` }).execute()",
          '  return { seeded: Number(count) }',
          '})',
          '',
        ].join('\n'),
      )
      const seeded = await inApp('npx', ['mega', 'run', 'scripts/seed.ts', '--', '3'])
      expect(seeded).toContain('seeded: 3')
      expect(await psql(dev, 'SELECT count(*) FROM authors')).toBe('3')
    } finally {
      await dropDatabases()
    }
  })
})

describe('a newcomer, from a clone (nothing published)', () => {
  it('`pnpm create-app` makes an app on the packed checkout that installs, boots and answers', async () => {
    const work = join(tmp, 'clone-work')
    await mkdir(work)
    // The same npm cache as the registry walk: third-party packages are not downloaded twice.
    const app = await createAppFromClone({
      target: join(work, 'from-clone'),
      env: shell(),
      quiet: true,
      log: () => undefined,
      newOptions: ['--bare'], // mega new's own options pass through
    })
    await expect(stat(join(app, 'apps/main/models/note-model.ts'))).rejects.toThrow(/ENOENT/)

    // Every @mega/* package, direct or not, comes from the app's own packed tarballs.
    const manifest = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      overrides: Record<string, string>
    }
    expect(manifest.dependencies['@mega/core']).toMatch(
      /^file:\.\/\.mega-packs\/mega-core-.+\.tgz$/,
    )
    expect(Object.keys(manifest.overrides).sort()).toEqual([...tarballs.keys()].sort())
    const lock = JSON.parse(await readFile(join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string; integrity?: string }>
    }
    for (const name of ['@mega/core', '@mega/db', '@mega/observe', '@mega/cli']) {
      const entry = lock.packages[`node_modules/${name}`]
      expect(entry?.resolved, name).toMatch(/^file:\.mega-packs\//)
      expect((await lstat(join(app, 'node_modules', name))).isSymbolicLink()).toBe(false)
    }

    const server = await startServer(join(app, 'node_modules/.bin/mega'), ['start'], {
      cwd: app,
      env: shell({ PORT: '0' }),
    })
    try {
      const home = await fetch(`${server.url}/`)
      expect(await json(home)).toMatchObject({ ok: true, data: { hello: 'from-clone' } })
    } finally {
      expect(await server.stop()).toBe(0)
    }
  })
})
