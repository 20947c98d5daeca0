import { Writable } from 'node:stream'
import pino from 'pino'
import { OBSERVE_ERRORS, type MegaError, type MegaIssue } from '../errors.js'

/** A censor function as pino calls it. */
export type RedactCensorFn = (value: unknown, path: string[]) => unknown

/** The redact options given to pino: paths plus the user's censor and remove. */
export interface ResolvedRedact {
  paths: string[]
  censor?: string | RedactCensorFn
  remove?: boolean
}

const IDENT = '(?:\\*|[^.\\[\\]\\s*"\'`]+)'
const BRACKET = '\\[(?:\\*|\\d+|"[^"]*"|\'[^\']*\'|`[^`]*`)\\]'
const PATH_SYNTAX = new RegExp(`^(?:${IDENT}|${BRACKET})(?:\\.${IDENT}|${BRACKET})*$`)

const HINT =
  'use dot paths (req.headers.cookie), brackets for other keys (headers["x-api-key"], items[0]) and * wildcards (*.password)'

/** The redact-path problem with `path`, or `undefined` when pino accepts it. */
export function redactPathProblem(path: string): string | undefined {
  if (!PATH_SYNTAX.test(path)) return `"${path}" is not a valid redact path: ${HINT}`
  try {
    pino({ redact: [path] }, new Writable({ write: (_chunk, _enc, done) => done() }))
    return undefined
  } catch (err) {
    return `"${path}" is rejected by pino (${(err as Error).message}): ${HINT}`
  }
}

/**
 * Validates the user's `redact` value (an array of paths, or `{ paths, censor?, remove? }`) and
 * merges its paths after `defaults`, without duplicates. Throws `MEGA_LOGGER_REDACT_INVALID`
 * listing every bad item with its index.
 */
export function resolveRedact(
  value: unknown,
  defaults: readonly string[],
  subject: string,
): ResolvedRedact {
  const issues: MegaIssue[] = []
  const resolved = readRedact(value, subject, issues)
  if (issues.length > 0) throw redactError(subject, issues)
  return { ...resolved, paths: [...new Set([...defaults, ...resolved.paths])] }
}

function readRedact(value: unknown, subject: string, issues: MegaIssue[]): ResolvedRedact {
  if (value === undefined) return { paths: [] }
  if (Array.isArray(value)) return { paths: readPaths(value, subject, issues) }
  if (typeof value !== 'object' || value === null) {
    issues.push({
      path: subject,
      message: 'expected an array of paths or { paths, censor?, remove? }',
    })
    return { paths: [] }
  }
  return readRedactObject(value as Record<string, unknown>, subject, issues)
}

function readRedactObject(
  value: Record<string, unknown>,
  subject: string,
  issues: MegaIssue[],
): ResolvedRedact {
  const { paths, censor, remove, ...unknownKeys } = value
  for (const key of Object.keys(unknownKeys)) {
    issues.push({ path: `${subject}.${key}`, message: 'unknown key: use paths, censor or remove' })
  }
  if (censor !== undefined && typeof censor !== 'string' && typeof censor !== 'function') {
    issues.push({
      path: `${subject}.censor`,
      message: 'expected a string or a function (value, path) => replacement',
    })
  }
  if (remove !== undefined && typeof remove !== 'boolean') {
    issues.push({ path: `${subject}.remove`, message: 'expected a boolean' })
  }
  if (!Array.isArray(paths))
    issues.push({ path: `${subject}.paths`, message: 'expected an array of paths' })
  const resolved: ResolvedRedact = {
    paths: Array.isArray(paths) ? readPaths(paths, `${subject}.paths`, issues) : [],
  }
  if (censor !== undefined) resolved.censor = censor as string | RedactCensorFn
  if (remove !== undefined) resolved.remove = remove as boolean
  return resolved
}

function readPaths(items: readonly unknown[], subject: string, issues: MegaIssue[]): string[] {
  const paths: string[] = []
  items.forEach((item, index) => {
    const problem =
      typeof item === 'string'
        ? redactPathProblem(item)
        : `expected a string path, got ${describe(item)}`
    if (problem === undefined) paths.push(item as string)
    else issues.push({ path: `${subject}[${index}]`, message: problem })
  })
  return paths
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
}

function redactError(subject: string, issues: readonly MegaIssue[]): MegaError {
  return OBSERVE_ERRORS.create('MEGA_LOGGER_REDACT_INVALID', [subject, issues], { issues })
}
