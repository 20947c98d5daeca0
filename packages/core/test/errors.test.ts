import { describe, expect, it } from 'vitest'
import { readmeErrorCodes, sourceErrorCodes } from '@mega/test-utils'
import { MegaError } from '@mega/observe'
import { CLUSTER_WORKER_ENV } from '../src/cluster/cluster-config.js'
import {
  BadRequestError,
  CORE_ERRORS,
  CORE_ERROR_CODES,
  ConflictError,
  GoneError,
  HttpError,
  ForbiddenError,
  InternalServerError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
} from '../src/index.js'

const README = new URL('../README.md', import.meta.url).pathname
const SRC = new URL('../src', import.meta.url).pathname

describe('HTTP error classes', () => {
  it.each([
    [BadRequestError, 400, 'MEGA_BAD_REQUEST'],
    [UnauthorizedError, 401, 'MEGA_UNAUTHORIZED'],
    [ForbiddenError, 403, 'MEGA_FORBIDDEN'],
    [NotFoundError, 404, 'MEGA_NOT_FOUND'],
    [ConflictError, 409, 'MEGA_CONFLICT'],
    [GoneError, 410, 'MEGA_GONE'],
    [TooManyRequestsError, 429, 'MEGA_RATE_LIMITED'],
    [InternalServerError, 500, 'MEGA_INTERNAL'],
    [ServiceUnavailableError, 503, 'MEGA_UNAVAILABLE'],
  ] as const)(
    '%o has status %i and code %s by default, and takes another code',
    (Class, status, code) => {
      const err = new Class()
      expect([err.statusCode, err.code, MegaError.is(err)]).toEqual([status, code, true])
      expect(err.name).toBe(Class.name)
      expect(err.message.length).toBeGreaterThan(5)
      const custom = new Class('Custom: do this.', { code: 'MEGA_DB_X', details: { a: 1 } })
      expect([custom.code, custom.message, custom.details]).toEqual([
        'MEGA_DB_X',
        'Custom: do this.',
        { a: 1 },
      ])
    },
  )

  it('are generated from the CORE_ERRORS rows and keep instanceof and subclassing', () => {
    const err = new NotFoundError()
    expect([err.statusCode, err.message]).toEqual([
      CORE_ERRORS.status('MEGA_NOT_FOUND'),
      CORE_ERRORS.message('MEGA_NOT_FOUND'),
    ])
    expect([
      err instanceof NotFoundError,
      err instanceof HttpError,
      err instanceof MegaError,
    ]).toEqual([true, true, true])
    expect(err instanceof ConflictError).toBe(false)
    class UserNotFound extends NotFoundError {
      constructor(id: string) {
        super(`No user ${id}: check the id.`, { details: { id } })
      }
    }
    const sub = new UserNotFound('7')
    expect([sub instanceof NotFoundError, sub.statusCode, sub.code]).toEqual([
      true,
      404,
      'MEGA_NOT_FOUND',
    ])
  })

  it('ValidationError is a 422 carrying its issues', () => {
    const err = new ValidationError([{ path: 'body.email', message: 'invalid email' }])
    expect([err.statusCode, err.code]).toEqual([422, 'MEGA_VALIDATION_FAILED'])
    expect(err.issues).toEqual([{ path: 'body.email', message: 'invalid email' }])
  })
})

describe('README error table', () => {
  it('lists exactly CORE_ERROR_CODES plus the observe codes core reports', async () => {
    const listed = await readmeErrorCodes(README)
    expect(listed.filter((c) => c !== 'MEGA_CONFIG_INVALID').sort()).toEqual(
      [...CORE_ERROR_CODES].sort(),
    )
  })

  it('CORE_ERROR_CODES declares every code the source uses', async () => {
    // The names of environment variables core sets look like codes to the scan: not codes.
    const notCodes: readonly string[] = [CLUSTER_WORKER_ENV]
    const used = (await sourceErrorCodes(SRC)).filter((c) => !notCodes.includes(c))
    expect(used.filter((c) => !(CORE_ERROR_CODES as readonly string[]).includes(c))).toEqual([])
  })
})
