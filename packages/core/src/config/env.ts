import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import { MegaConfigError } from '@mega/observe'

type EnvValue = string | number | boolean

type Widen<T> = T extends number ? number : T extends boolean ? boolean : string

const TRUE = new Set(['1', 'true', 'yes', 'on'])
const FALSE = new Set(['0', 'false', 'no', 'off', ''])

function coerce(name: string, raw: string, like: EnvValue): EnvValue {
  if (typeof like === 'number') {
    const n = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(n)) throw envError(name, `is "${raw}", not a number`)
    return n
  }
  if (typeof like === 'boolean') {
    const v = raw.trim().toLowerCase()
    if (TRUE.has(v)) return true
    if (FALSE.has(v)) return false
    throw envError(name, `is "${raw}", not a boolean (use true/false, 1/0, yes/no, on/off)`)
  }
  return raw
}

function envError(name: string, problem: string): MegaConfigError {
  return new MegaConfigError('environment', [
    { path: `env.${name}`, message: `${name} ${problem}: fix it in the environment or .env.` },
  ])
}

/**
 * The test database's URL for a development `url`: the same server, the database name with `_test`
 * appended (`postgres://h/blog` → `postgres://h/blog_test`); a name that already ends in `_test` stays.
 * A URL that names no database is returned unchanged.
 *
 * @example
 * testDatabaseUrl('postgres://postgres@127.0.0.1/blog') // 'postgres://postgres@127.0.0.1/blog_test'
 */
export function testDatabaseUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return url
  }
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
  if (name === '' || name.endsWith('_test')) return url
  parsed.pathname = `/${encodeURIComponent(`${name}_test`)}`
  return parsed.toString()
}

/** Under `NODE_ENV=test`: `NAME_TEST` first, and `DATABASE_URL` without one names its `_test` database. */
function readVariable(name: string, source: NodeJS.ProcessEnv): string | undefined {
  if (source.NODE_ENV !== 'test') return source[name]
  const test = source[`${name}_TEST`]
  if (test !== undefined) return test
  const raw = source[name]
  return name === 'DATABASE_URL' && raw !== undefined ? testDatabaseUrl(raw) : raw
}

/**
 * Reads an environment variable, coerced to the type of its default (number, boolean or string).
 * Without a default the variable is required. A missing required or unparseable value throws a
 * `MegaConfigError` naming the variable.
 *
 * Under `NODE_ENV=test` (what `mega test` and `megaVitest()` set) `env('X')` reads `X_TEST` when it
 * is set, and `env('DATABASE_URL')` without a `DATABASE_URL_TEST` names the `<database>_test`
 * database on the same server ({@link testDatabaseUrl}): tests never touch the development database.
 *
 * @example
 * server: { port: env('PORT', 3000), host: env('HOST', '0.0.0.0') }
 */
export function env(name: string): string
export function env<T extends EnvValue>(name: string, fallback: T): Widen<T>
export function env(
  name: string,
  fallback?: EnvValue,
  source: NodeJS.ProcessEnv = process.env,
): EnvValue {
  const raw = readVariable(name, source)
  if (raw === undefined) {
    if (fallback === undefined) throw envError(name, 'is not set and has no default')
    return fallback
  }
  return fallback === undefined ? raw : coerce(name, raw, fallback)
}

/**
 * Loads a `.env` file into `target` without overriding variables that are already set. A missing
 * file is not an error. Returns the names it set.
 */
export function loadEnvFile(path: string, target: NodeJS.ProcessEnv = process.env): string[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const set: string[] = []
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (target[key] !== undefined || value === undefined) continue
    target[key] = value
    set.push(key)
  }
  return set
}
