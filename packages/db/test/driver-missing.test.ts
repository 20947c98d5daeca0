// A real app without drivers: inside the workspace pnpm lets @mega/db resolve its dev dependencies
// (pg, ioredis...), so "not installed" cannot happen there. This copies the built package into a
// folder outside the workspace whose node_modules hold only @mega/db's own dependencies (linked to
// the workspace's copies) and no driver, then runs a script under plain `node` that connects one
// adapter of each dialect and reports what each connect threw.
import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const pkgDir = fileURLToPath(new URL('..', import.meta.url))
/** What @mega/db itself depends on (not the drivers): linked into the app. */
const OWN_DEPENDENCIES = ['@mega/core', '@mega/observe', '@opentelemetry/api', 'kysely', 'zod']

const SCRIPT = `
import { MariaAdapter, MegaMongoAdapter, PostgresAdapter, RedisCacheAdapter, SqliteAdapter, databaseTasks } from '@mega/db'
const adapters = [
  new PostgresAdapter('main', { url: 'postgres://postgres@127.0.0.1:5432/postgres' }),
  new MariaAdapter('shop', { url: 'mysql://root@127.0.0.1:3306/shop' }),
  new SqliteAdapter('local', { filename: './data/app.sqlite' }),
  new MegaMongoAdapter('docs', { url: 'mongodb://127.0.0.1:1/docs' }),
  new RedisCacheAdapter('cache', { url: 'redis://127.0.0.1:6379' }),
]
const results = []
for (const adapter of adapters)
  results.push(await adapter.connect().then(() => 'connected', (err) => ({ code: err.code, message: err.message })))
results.push(await databaseTasks('sqlite', { filename: './data/task.sqlite' }).create().then(() => 'created', (err) => ({ code: err.code, message: err.message })))
console.log(JSON.stringify(results))
`

let app: string

beforeAll(async () => {
  const dist = join(pkgDir, 'dist', 'index.js')
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`pnpm build\` first.`)
  app = await mkdtemp(join(tmpdir(), 'mega-no-driver-'))
  const db = join(app, 'node_modules', '@mega', 'db')
  await mkdir(db, { recursive: true })
  await cp(join(pkgDir, 'package.json'), join(db, 'package.json'))
  await cp(join(pkgDir, 'dist'), join(db, 'dist'), { recursive: true })
  for (const dep of OWN_DEPENDENCIES) {
    const target = join(app, 'node_modules', dep)
    await mkdir(dirname(target), { recursive: true })
    await symlink(await realpath(join(pkgDir, 'node_modules', dep)), target, 'dir')
  }
  await writeFile(join(app, 'package.json'), '{ "name": "no-driver-app", "type": "module" }\n')
  await writeFile(join(app, 'yarn.lock'), '')
  await writeFile(join(app, 'main.js'), SCRIPT)
})

afterAll(async () => {
  if (app !== undefined) await rm(app, { recursive: true, force: true })
})

describe('an app that installed no driver (real node, outside the workspace)', () => {
  it('imports @mega/db, and each connect fails with MEGA_DB_DRIVER_MISSING and its command', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env['npm_config_user_agent'] // as if run by `node main.js`: yarn.lock decides
    const { stdout } = await run(process.execPath, ['main.js'], { cwd: app, env })
    const results = JSON.parse(stdout) as { code?: string; message?: string }[]
    const install = (alias: string, dialect: string, pkg: string) => ({
      code: 'MEGA_DB_DRIVER_MISSING',
      message: `Adapter "${alias}" (${dialect}) needs the "${pkg}" package, which is not installed: run \`yarn add ${pkg}\` in your app.`,
    })
    expect(results).toEqual([
      install('main', 'postgres', 'pg'),
      install('shop', 'maria', 'mysql2'),
      install('local', 'sqlite', 'better-sqlite3'),
      install('docs', 'mongo', 'mongodb'),
      install('cache', 'redis', 'ioredis'),
      install('db', 'sqlite', 'better-sqlite3'),
    ])
    // Nothing was created for SQLite: the driver is loaded before the folder is made.
    expect(existsSync(join(app, 'data'))).toBe(false)
  })
})
