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
 * Reads an environment variable, coerced to the type of its default (number, boolean or string).
 * Without a default the variable is required. A missing required or unparseable value throws a
 * `MegaConfigError` naming the variable.
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
  const raw = source[name]
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
