// Database drivers are peer dependencies (Kysely's convention): the app installs the one it uses.
// Each adapter loads its driver here, when it connects, so a missing one fails at boot with one
// coded error that names the package and the command that installs it.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import type * as IoRedis from 'ioredis'
import type * as MongoDb from 'mongodb'
import type * as Mysql2 from 'mysql2'
import type * as Mysql2Promise from 'mysql2/promise'
import type * as Pg from 'pg'
import { dbError } from './errors.js'

/** The module of each driver an adapter loads (a package name, or `mysql2/promise`). */
export interface DriverModules {
  readonly pg: typeof Pg
  readonly mysql2: typeof Mysql2
  readonly 'mysql2/promise': typeof Mysql2Promise
  readonly 'better-sqlite3': { readonly default: typeof BetterSqlite3 }
  readonly ioredis: typeof IoRedis
  readonly mongodb: typeof MongoDb
}

/** A driver module an adapter loads: a package name, or `mysql2/promise`. */
export type DriverSpecifier = keyof DriverModules

/** How each driver is imported: static specifiers, so bundlers and TypeScript see them. */
const DRIVER_IMPORTS: { readonly [K in DriverSpecifier]: () => Promise<DriverModules[K]> } = {
  pg: () => import('pg'),
  mysql2: () => import('mysql2'),
  'mysql2/promise': () => import('mysql2/promise'),
  'better-sqlite3': () => import('better-sqlite3'),
  ioredis: () => import('ioredis'),
  mongodb: () => import('mongodb'),
}

/** The package managers whose install command the error gives. */
export type PackageManager = 'pnpm' | 'yarn' | 'npm'

/** Who needs the driver: named in the error. */
export interface DriverUser {
  /** The adapter's alias (`db`, `cache`...). */
  readonly alias: string
  /** Its dialect or driver name (`postgres`, `maria`, `sqlite`, `mongo`, `redis`). */
  readonly dialect: string
}

/** Seams of {@link loadDriver}, with real defaults. */
export interface LoadDriverSeams {
  /** Imports a driver module. @default a dynamic `import()` of the specifier */
  readonly importer?: (specifier: DriverSpecifier) => Promise<unknown>
  /** Where the app is: lockfiles are looked for here and above. @default process.cwd() */
  readonly cwd?: string
  /** The environment (`npm_config_user_agent`). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Whether a file exists. @default fs.existsSync */
  readonly exists?: (path: string) => boolean
}

const LOCKFILES: readonly (readonly [string, PackageManager])[] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
]

/**
 * The package manager of the app: the one running the process (`npm_config_user_agent`), else
 * the nearest lockfile in `cwd` or above (`pnpm-lock.yaml`, `yarn.lock`, `package-lock.json`),
 * else npm.
 */
export function detectPackageManager(seams: LoadDriverSeams = {}): PackageManager {
  const agent = (seams.env ?? process.env)['npm_config_user_agent'] ?? ''
  if (agent.startsWith('pnpm/')) return 'pnpm'
  if (agent.startsWith('yarn/')) return 'yarn'
  const exists = seams.exists ?? existsSync
  for (let dir = seams.cwd ?? process.cwd(); ; dir = dirname(dir)) {
    const found = LOCKFILES.find(([file]) => exists(join(dir, file)))
    if (found !== undefined) return found[1]
    if (dirname(dir) === dir) return 'npm'
  }
}

/** The one command that adds `pkg` to the app with `pm`. */
export function installCommand(pm: PackageManager, pkg: string): string {
  return pm === 'npm' ? `npm install ${pkg}` : `${pm} add ${pkg}`
}

/** The package of a specifier (`mysql2/promise` → `mysql2`). */
function packageOf(specifier: DriverSpecifier): string {
  return specifier.split('/')[0]!
}

/** `true` when `err` says that very package cannot be found (not a file or dependency inside it). */
function isPackageMissing(err: unknown, pkg: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return false
  return new RegExp(`Cannot find (?:package|module) '${pkg}(?:/[^']*)?'`).test(String(e.message))
}

/**
 * Loads a driver module for an adapter. A driver that is not installed fails with
 * `MEGA_DB_DRIVER_MISSING`, naming the adapter, the package and the command that installs it (for
 * the app's package manager); any other load error is rethrown as it is.
 *
 * @example
 * const { Pool } = await loadDriver('pg', { alias: 'db', dialect: 'postgres' })
 */
export async function loadDriver<K extends DriverSpecifier>(
  specifier: K,
  user: DriverUser,
  seams: LoadDriverSeams = {},
): Promise<DriverModules[K]> {
  try {
    if (seams.importer !== undefined) return (await seams.importer(specifier)) as DriverModules[K]
    return await DRIVER_IMPORTS[specifier]()
  } catch (err) {
    const pkg = packageOf(specifier)
    if (!isPackageMissing(err, pkg)) throw err
    const command = installCommand(detectPackageManager(seams), pkg)
    throw dbError(
      'MEGA_DB_DRIVER_MISSING',
      `Adapter "${user.alias}" (${user.dialect}) needs the "${pkg}" package, which is not installed: run \`${command}\` in your app.`,
      { cause: err, details: { alias: user.alias, dialect: user.dialect, package: pkg, command } },
    )
  }
}
