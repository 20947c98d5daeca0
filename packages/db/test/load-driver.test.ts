import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import {
  detectPackageManager,
  installCommand,
  loadDriver,
  type DriverSpecifier,
  type LoadDriverSeams,
} from '../src/load-driver.js'

/** The error Node's ESM loader throws for a package that is not installed. */
function notFound(pkg: string): Error {
  return Object.assign(new Error(`Cannot find package '${pkg}' imported from /app/x.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  })
}

/** Seams of an npm app (no agent, no lockfile) whose importer finds nothing. */
const missing: LoadDriverSeams = {
  importer: (specifier) => Promise.reject(notFound(specifier.split('/')[0]!)),
  env: {},
  cwd: '/app',
  exists: () => false,
}

async function caught(promise: Promise<unknown>): Promise<MegaError> {
  try {
    await promise
  } catch (err) {
    if (MegaError.is(err)) return err
    throw err
  }
  throw new Error('expected a MegaError')
}

describe('loadDriver', () => {
  // What each adapter asks for: the specifier it loads and the dialect it names.
  const cases: readonly (readonly [DriverSpecifier, string, string])[] = [
    ['pg', 'postgres', 'pg'],
    ['mysql2', 'maria', 'mysql2'],
    ['mysql2/promise', 'maria', 'mysql2'],
    ['better-sqlite3', 'sqlite', 'better-sqlite3'],
    ['mongodb', 'mongo', 'mongodb'],
    ['ioredis', 'redis', 'ioredis'],
  ]
  it.each(cases)(
    '%s missing (%s): MEGA_DB_DRIVER_MISSING names the adapter, dialect, package and command',
    async (specifier, dialect, pkg) => {
      const err = await caught(loadDriver(specifier, { alias: 'main', dialect }, missing))
      expect(err.code).toBe('MEGA_DB_DRIVER_MISSING')
      expect(err.message).toBe(
        `Adapter "main" (${dialect}) needs the "${pkg}" package, which is not installed: run \`npm install ${pkg}\` in your app.`,
      )
      expect(err.details).toEqual({
        alias: 'main',
        dialect,
        package: pkg,
        command: `npm install ${pkg}`,
      })
      expect((err as { cause?: unknown }).cause).toBeInstanceOf(Error)
    },
  )

  it('a CommonJS "Cannot find module" for the package is the same error', async () => {
    const err = await caught(
      loadDriver(
        'pg',
        { alias: 'db', dialect: 'postgres' },
        {
          ...missing,
          importer: () =>
            Promise.reject(
              Object.assign(new Error("Cannot find module 'pg'"), { code: 'MODULE_NOT_FOUND' }),
            ),
        },
      ),
    )
    expect(err.code).toBe('MEGA_DB_DRIVER_MISSING')
  })

  it('rethrows, as it is, a missing module inside the driver or another package', async () => {
    const inner = Object.assign(new Error("Cannot find package 'pg-types' imported from /pg.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    const file = Object.assign(
      new Error("Cannot find module '/app/node_modules/pg/lib/index.js' imported from /x.js"),
      { code: 'ERR_MODULE_NOT_FOUND' },
    )
    for (const err of [inner, file]) {
      const load = loadDriver(
        'pg',
        { alias: 'db', dialect: 'postgres' },
        { ...missing, importer: () => Promise.reject(err) },
      )
      await expect(load).rejects.toBe(err)
    }
  })

  it('rethrows any other load error as it is (a native build that fails to load)', async () => {
    const broken = Object.assign(
      new Error('The module was compiled against NODE_MODULE_VERSION 115'),
      {
        code: 'ERR_DLOPEN_FAILED',
      },
    )
    const load = loadDriver(
      'better-sqlite3',
      { alias: 'db', dialect: 'sqlite' },
      { ...missing, importer: () => Promise.reject(broken) },
    )
    await expect(load).rejects.toBe(broken)
  })

  it('resolves the module the importer gives, asking for the specifier', async () => {
    const asked: string[] = []
    const module = { Pool: class {} }
    const loaded = await loadDriver(
      'mysql2/promise',
      { alias: 'db', dialect: 'maria' },
      {
        importer: async (specifier) => {
          asked.push(specifier)
          return module
        },
      },
    )
    expect(loaded).toBe(module)
    expect(asked).toEqual(['mysql2/promise'])
  })

  it('loads the real driver by default (installed here as a dev dependency)', async () => {
    const { Pool } = await loadDriver('pg', { alias: 'db', dialect: 'postgres' })
    expect(typeof Pool).toBe('function')
  })
})

describe('detectPackageManager', () => {
  const lockfiles =
    (...paths: string[]) =>
    (path: string) =>
      paths.includes(path)

  it('pnpm when pnpm-lock.yaml is in cwd or above', () => {
    const exists = lockfiles(join('/work', 'pnpm-lock.yaml'))
    expect(detectPackageManager({ env: {}, cwd: '/work/apps/blog', exists })).toBe('pnpm')
  })

  it('yarn when yarn.lock is the nearest lockfile', () => {
    const exists = lockfiles('/work/blog/yarn.lock', '/work/pnpm-lock.yaml')
    expect(detectPackageManager({ env: {}, cwd: '/work/blog', exists })).toBe('yarn')
  })

  it('npm for package-lock.json, and when no lockfile is found up to the root', () => {
    const exists = lockfiles('/blog/package-lock.json', '/pnpm-lock.yaml')
    expect(detectPackageManager({ env: {}, cwd: '/blog', exists })).toBe('npm')
    expect(detectPackageManager({ env: {}, cwd: '/a/b', exists: () => false })).toBe('npm')
  })

  it('the package manager running the process wins (npm_config_user_agent)', () => {
    const noLock = { cwd: '/blog', exists: () => false }
    const agent = (ua: string) => ({ ...noLock, env: { npm_config_user_agent: ua } })
    expect(detectPackageManager(agent('pnpm/10.34.9 npm/? node/v20.19.0 linux x64'))).toBe('pnpm')
    expect(detectPackageManager(agent('yarn/4.5.0 npm/? node/v20.19.0 linux x64'))).toBe('yarn')
    expect(detectPackageManager(agent('npm/10.8.2 node/v20.19.0 linux x64'))).toBe('npm')
  })

  it('the error gives the command of the detected package manager', async () => {
    const err = await caught(
      loadDriver(
        'ioredis',
        { alias: 'cache', dialect: 'redis' },
        { ...missing, exists: lockfiles('/pnpm-lock.yaml') },
      ),
    )
    expect(err.message).toContain('run `pnpm add ioredis` in your app')
    expect(installCommand('yarn', 'pg')).toBe('yarn add pg')
    expect(installCommand('npm', 'pg')).toBe('npm install pg')
  })
})
