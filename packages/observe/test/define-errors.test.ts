import { describe, expect, it } from 'vitest'
import { MegaError, OBSERVE_ERRORS, defineErrors } from '../src/index.js'

const errors = defineErrors({
  MEGA_TEST_TAKEN: {
    status: 409,
    message: (email: string, times: number) => `${email} is taken (${times}x): use another.`,
  },
  MEGA_TEST_LOCKED: { message: 'The account is locked: ask an admin.' },
})

describe('defineErrors', () => {
  it('lists the codes in declaration order and answers their status', () => {
    expect(errors.codes).toEqual(['MEGA_TEST_TAKEN', 'MEGA_TEST_LOCKED'])
    expect([errors.status('MEGA_TEST_TAKEN'), errors.status('MEGA_TEST_LOCKED')]).toEqual([
      409,
      undefined,
    ])
  })

  it('creates a MegaError with the code, the status and the message built from the arguments', () => {
    const cause = new Error('unique violation')
    const err = errors.create('MEGA_TEST_TAKEN', ['ada@example.com', 2], {
      cause,
      details: { field: 'email' },
    })
    expect(MegaError.is(err, 'MEGA_TEST_TAKEN')).toBe(true)
    expect(err.toJSON()).toMatchInlineSnapshot(`
      {
        "code": "MEGA_TEST_TAKEN",
        "details": {
          "field": "email",
        },
        "message": "ada@example.com is taken (2x): use another.",
        "name": "MegaError",
        "statusCode": 409,
      }
    `)
    expect(err.cause).toBe(cause)
  })

  it('takes a fixed message without arguments and sets no status when the row has none', () => {
    const err = errors.create('MEGA_TEST_LOCKED')
    expect([err.message, err.statusCode]).toEqual([
      'The account is locked: ask an admin.',
      undefined,
    ])
    expect(errors.message('MEGA_TEST_TAKEN', 'b@example.com', 1)).toBe(
      'b@example.com is taken (1x): use another.',
    )
  })

  it('freezes the table and the factory', () => {
    expect(Object.isFrozen(errors)).toBe(true)
    expect(Object.isFrozen(errors.table)).toBe(true)
    expect(Object.isFrozen(errors.codes)).toBe(true)
  })
})

describe('OBSERVE_ERRORS', () => {
  it('builds the observe messages from their templates', () => {
    expect(OBSERVE_ERRORS.create('MEGA_SHUTDOWN_HOOK_INVALID', ['name is empty']).message).toBe(
      'Invalid shutdown hook: name is empty.',
    )
    expect(OBSERVE_ERRORS.status('MEGA_INTERNAL')).toBe(500)
  })
})
