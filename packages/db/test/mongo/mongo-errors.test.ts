import { describe, expect, it } from 'vitest'
import { MongoNetworkError, MongoServerError } from 'mongodb'
import { MegaError } from '@mega/observe'
import { mapMongoError } from '../../src/mongo/mongo-error-mapper.js'

const DUP_MESSAGE =
  'E11000 duplicate key error collection: shop.users index: email_1 dup key: { email: "ann@x.io" }'

/** An object shaped like the driver's MongoServerError (what a copy of the driver would throw). */
function serverErrorLike(fields: Record<string, unknown>): Error {
  const message = typeof fields['errmsg'] === 'string' ? fields['errmsg'] : 'server error'
  return Object.assign(new Error(message), {
    name: 'MongoServerError',
    ...fields,
  })
}

function errorNamed(name: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { name })
}

describe('mapMongoError', () => {
  it('maps E11000 to MEGA_DB_CONFLICT (409) naming the index and fields, not the values', () => {
    const cause = serverErrorLike({
      code: 11000,
      codeName: 'DuplicateKey',
      errmsg: DUP_MESSAGE,
      keyPattern: { email: 1 },
      keyValue: { email: 'ann@x.io' },
    })
    const err = mapMongoError(cause)
    expect(err.code).toBe('MEGA_DB_CONFLICT')
    expect(err.statusCode).toBe(409)
    expect(err.cause).toBe(cause)
    expect(err.details).toEqual({ index: 'email_1', collection: 'shop.users', fields: ['email'] })
    expect(err.message).toMatchInlineSnapshot(
      `"A document with this email already exists (unique index email_1): use another value."`,
    )
    expect(JSON.stringify(err)).not.toContain('ann@x.io')
  })

  it('maps a real driver MongoServerError with code 11000', () => {
    const cause = new MongoServerError({
      message: DUP_MESSAGE,
      errmsg: DUP_MESSAGE,
      code: 11000,
      keyPattern: { tenant: 1, slug: 1 },
    })
    const err = mapMongoError(cause)
    expect(err.code).toBe('MEGA_DB_CONFLICT')
    expect(err.details).toMatchObject({ index: 'email_1', fields: ['tenant', 'slug'] })
  })

  it('maps a duplicate key without keyPattern, naming the index from the message', () => {
    const err = mapMongoError(serverErrorLike({ code: 11000, errmsg: DUP_MESSAGE }))
    expect(err.code).toBe('MEGA_DB_CONFLICT')
    expect(err.details).toMatchObject({ index: 'email_1', fields: undefined })
    expect(err.message).toContain('unique index email_1')
  })

  it('maps a bulk write error whose first write error is a duplicate key', () => {
    const cause = Object.assign(new Error(DUP_MESSAGE), {
      name: 'MongoBulkWriteError',
      writeErrors: [{ code: 11000, errmsg: DUP_MESSAGE, index: 1 }],
    })
    const err = mapMongoError(cause)
    expect(err.code).toBe('MEGA_DB_CONFLICT')
    expect(err.details).toMatchObject({ index: 'email_1' })
  })

  it('maps code 121 (DocumentValidationFailure) to MEGA_DB_CHECK (422) naming the fields', () => {
    const cause = serverErrorLike({
      code: 121,
      codeName: 'DocumentValidationFailure',
      errmsg: 'Document failed validation',
      errInfo: {
        failingDocumentId: 1,
        details: {
          operatorName: '$jsonSchema',
          schemaRulesNotSatisfied: [
            {
              operatorName: 'properties',
              propertiesNotSatisfied: [{ propertyName: 'age' }, { propertyName: 'email' }],
            },
            { operatorName: 'required', specifiedAs: { required: ['name'] } },
          ],
        },
      },
    })
    const err = mapMongoError(cause)
    expect(err.code).toBe('MEGA_DB_CHECK')
    expect(err.statusCode).toBe(422)
    expect(err.details).toEqual({ fields: ['age', 'email'] })
    expect(err.message).toContain('(fields: age, email)')
  })

  it('maps code 121 without details to MEGA_DB_CHECK', () => {
    const err = mapMongoError(serverErrorLike({ code: 121, errmsg: 'Document failed validation' }))
    expect(err.code).toBe('MEGA_DB_CHECK')
    expect(err.details).toEqual({ fields: [] })
  })

  it('maps MongoServerSelectionError and MongoNetworkError to MEGA_DB_UNAVAILABLE (503)', () => {
    for (const name of ['MongoServerSelectionError', 'MongoNetworkError']) {
      const err = mapMongoError(errorNamed(name, 'connect ECONNREFUSED 127.0.0.1:1'))
      expect(err.code).toBe('MEGA_DB_UNAVAILABLE')
      expect(err.statusCode).toBe(503)
      expect(err.message).toContain(name)
    }
  })

  it('maps subclasses of MongoNetworkError (timeouts, cleared pools) to MEGA_DB_UNAVAILABLE', () => {
    class MongoPoolClearedLike extends MongoNetworkError {}
    const err = mapMongoError(new MongoPoolClearedLike('pool cleared'))
    expect(err.code).toBe('MEGA_DB_UNAVAILABLE')
    expect(mapMongoError(errorNamed('MongoNetworkTimeoutError')).code).toBe('MEGA_DB_UNAVAILABLE')
    expect(mapMongoError(errorNamed('MongoTopologyClosedError')).code).toBe('MEGA_DB_UNAVAILABLE')
  })

  it('maps server codes of a missing primary or a shutdown to MEGA_DB_UNAVAILABLE', () => {
    for (const [code, codeName] of [
      [10107, 'NotWritablePrimary'],
      [91, 'ShutdownInProgress'],
      [189, 'PrimarySteppedDown'],
    ] as const) {
      const err = mapMongoError(serverErrorLike({ code, codeName, errmsg: codeName }))
      expect(err.code).toBe('MEGA_DB_UNAVAILABLE')
      expect(err.message).toContain(codeName)
    }
  })

  it('maps Node network errors (a failed SRV lookup, a refused connection) to MEGA_DB_UNAVAILABLE', () => {
    for (const code of ['ENOTFOUND', 'ECONNREFUSED', 'ETIMEDOUT']) {
      const err = mapMongoError(Object.assign(new Error(`querySrv ${code}`), { code }))
      expect(err.code).toBe('MEGA_DB_UNAVAILABLE')
      expect(err.message).toContain(code)
    }
  })

  it('maps other server errors to MEGA_DB_QUERY_FAILED (500) with code and codeName', () => {
    const cause = serverErrorLike({
      code: 2,
      codeName: 'BadValue',
      errmsg: 'unknown operator: $foo',
    })
    const err = mapMongoError(cause)
    expect(err.code).toBe('MEGA_DB_QUERY_FAILED')
    expect(err.statusCode).toBe(500)
    expect(err.details).toEqual({ code: 2, codeName: 'BadValue' })
    expect(err.message).toContain('BadValue')
    expect(err.cause).toBe(cause)
  })

  it('says transactions need a replica set when a standalone server refuses one', () => {
    const err = mapMongoError(
      serverErrorLike({
        code: 20,
        codeName: 'IllegalOperation',
        errmsg: 'Transaction numbers are only allowed on a replica set member or mongos',
      }),
    )
    expect(err.code).toBe('MEGA_DB_QUERY_FAILED')
    expect(err.message).toContain('replica set')
  })

  it('maps plain errors and non-errors to MEGA_DB_QUERY_FAILED', () => {
    expect(mapMongoError(new TypeError('x is not a function')).code).toBe('MEGA_DB_QUERY_FAILED')
    expect(mapMongoError('weird').code).toBe('MEGA_DB_QUERY_FAILED')
    expect(mapMongoError(undefined).code).toBe('MEGA_DB_QUERY_FAILED')
  })

  it('passes a MegaError through unchanged', () => {
    const original = new MegaError('MEGA_CRUD_NOT_FOUND', 'missing', { statusCode: 404 })
    expect(mapMongoError(original)).toBe(original)
  })
})
