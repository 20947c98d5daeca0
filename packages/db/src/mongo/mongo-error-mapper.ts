import { MegaError } from '@mega/observe'
import { dbError } from '../errors.js'

/** Server codes of a unique-index violation (E11000 and its legacy forms). */
export const MONGO_DUPLICATE_KEY_CODES = [11000, 11001, 12582] as const

/** Server code of a document that fails the collection's validator (`DocumentValidationFailure`). */
export const MONGO_VALIDATION_FAILED_CODE = 121

/**
 * Server codes that mean "no usable server right now" (host unreachable, shutting down, stepped
 * down, not primary): retrying later may succeed, so they map to 503 like network errors.
 */
export const MONGO_UNAVAILABLE_CODES = [
  6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436,
] as const

/** Node system error codes of a failed lookup or connection (a `mongodb+srv://` DNS lookup...). */
export const NETWORK_SYSTEM_ERROR_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
] as const

/** Driver error classes (by name, so any copy of the driver matches) that map to 503. */
export const MONGO_UNAVAILABLE_ERROR_NAMES = [
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoNotConnectedError',
] as const

/** The facts the mapper reads from a driver error (or its first bulk write error). */
interface MongoErrorFacts {
  readonly code: number | string | undefined
  readonly codeName: string | undefined
  readonly message: string
  readonly keyPattern: unknown
  readonly errInfo: unknown
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function codeOf(value: unknown): number | string | undefined {
  return typeof value === 'number' || typeof value === 'string' ? value : undefined
}

function factsOf(err: Record<string, unknown>): MongoErrorFacts {
  const writeErrors = err['writeErrors']
  const first = record(Array.isArray(writeErrors) ? writeErrors[0] : writeErrors)
  const useFirst = err['code'] === undefined && first['code'] !== undefined
  const source = useFirst ? first : err
  return {
    code: codeOf(source['code']),
    codeName: text(source['codeName']),
    message: text(source['errmsg']) ?? text(source['message']) ?? text(err['message']) ?? '',
    keyPattern: source['keyPattern'] ?? record(err['errorResponse'])['keyPattern'],
    errInfo: source['errInfo'],
  }
}

/** Every name an error answers to: its `name` and the constructor names of its prototype chain. */
function namesOf(err: object): Set<string> {
  const names = new Set<string>()
  const name = (err as { name?: unknown }).name
  if (typeof name === 'string') names.add(name)
  for (let proto: unknown = Object.getPrototypeOf(err); proto !== null;) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor
    if (typeof ctor?.name === 'string') names.add(ctor.name)
    proto = Object.getPrototypeOf(proto)
  }
  return names
}

function isUnavailable(err: object, facts: MongoErrorFacts): boolean {
  const names = namesOf(err)
  if (MONGO_UNAVAILABLE_ERROR_NAMES.some((n) => names.has(n))) return true
  const codes: readonly unknown[] = [...MONGO_UNAVAILABLE_CODES, ...NETWORK_SYSTEM_ERROR_CODES]
  return codes.includes(facts.code)
}

function conflictError(err: unknown, facts: MongoErrorFacts): MegaError {
  const index = /index: (\S+)/.exec(facts.message)?.[1]
  const collection = /collection: (\S+)/.exec(facts.message)?.[1]
  const pattern = record(facts.keyPattern)
  const fields = Object.keys(pattern).length > 0 ? Object.keys(pattern) : undefined
  const what = fields === undefined ? 'key' : fields.join(', ')
  const where = index === undefined ? 'a unique index' : `unique index ${index}`
  return dbError(
    'MEGA_DB_CONFLICT',
    `A document with this ${what} already exists (${where}): use another value.`,
    { cause: err, details: { index, collection, fields } },
  )
}

/** Property names the validator rejected, from `errInfo.details.schemaRulesNotSatisfied`. */
function failedProperties(errInfo: unknown): string[] {
  const rules = record(record(errInfo)['details'])['schemaRulesNotSatisfied']
  if (!Array.isArray(rules)) return []
  const names = rules.flatMap((rule) => {
    const props = record(rule)['propertiesNotSatisfied']
    return Array.isArray(props) ? props.map((p) => text(record(p)['propertyName'])) : []
  })
  return [...new Set(names.filter((n): n is string => n !== undefined))]
}

function checkError(err: unknown, facts: MongoErrorFacts): MegaError {
  const fields = failedProperties(facts.errInfo)
  const which = fields.length > 0 ? ` (fields: ${fields.join(', ')})` : ''
  return dbError(
    'MEGA_DB_CHECK',
    `The document fails the collection's validation rules${which}: fix the values and retry.`,
    { cause: err, details: { fields } },
  )
}

function unavailableError(err: unknown, name: string): MegaError {
  return dbError(
    'MEGA_DB_UNAVAILABLE',
    `MongoDB is unavailable (${name}): check that the server runs and is reachable, then retry.`,
    { cause: err },
  )
}

function queryFailed(err: unknown, facts: MongoErrorFacts): MegaError {
  const label =
    facts.codeName ?? (facts.code === undefined ? 'error' : `code ${String(facts.code)}`)
  const hint = /Transaction numbers are only allowed/i.test(facts.message)
    ? ': transactions need a replica set or a sharded cluster (a one-node replica set will do)'
    : ': see the cause for the server message'
  return dbError('MEGA_DB_QUERY_FAILED', `MongoDB operation failed (${label})${hint}.`, {
    cause: err,
    details: { code: facts.code, codeName: facts.codeName },
  })
}

/**
 * Maps a MongoDB driver error to a MegaError: duplicate key → `MEGA_DB_CONFLICT` (409) naming the
 * index and its fields (never the values), validation failure → `MEGA_DB_CHECK` (422), network and
 * server-selection failures → `MEGA_DB_UNAVAILABLE` (503), anything else → `MEGA_DB_QUERY_FAILED`
 * (500). A MegaError passes through unchanged; the driver error is kept as `cause`.
 *
 * @example
 * try {
 *   await users.insertOne(doc)
 * } catch (err) {
 *   throw mapMongoError(err) // MEGA_DB_CONFLICT: ... (unique index email_1)
 * }
 */
export function mapMongoError(err: unknown): MegaError {
  if (MegaError.is(err)) return err
  if (typeof err !== 'object' || err === null) {
    return dbError('MEGA_DB_QUERY_FAILED', `MongoDB operation failed: ${String(err)}.`, {
      cause: err,
    })
  }
  const facts = factsOf(err as Record<string, unknown>)
  if ((MONGO_DUPLICATE_KEY_CODES as readonly unknown[]).includes(facts.code)) {
    return conflictError(err, facts)
  }
  if (facts.code === MONGO_VALIDATION_FAILED_CODE) return checkError(err, facts)
  if (isUnavailable(err, facts))
    return unavailableError(err, facts.codeName ?? unavailableLabel(err, facts))
  return queryFailed(err, facts)
}

function unavailableLabel(err: object, facts: MongoErrorFacts): string {
  if (typeof facts.code === 'string') return facts.code
  const name = (err as { name?: unknown }).name
  return typeof name === 'string' ? name : 'error'
}
