import { describe, expect, it } from 'vitest'
import { MegaConfigError, MegaError, toMegaError } from '../src/errors.js'

describe('MegaError', () => {
  it('carries code, status, details, issues and cause', () => {
    const cause = new Error('duplicate key')
    const err = new MegaError('MEGA_DB_CONFLICT', 'Email taken: use another.', {
      statusCode: 409,
      cause,
      details: { constraint: 'users_email_key' },
    })
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe('MegaError')
    expect(err.code).toBe('MEGA_DB_CONFLICT')
    expect(err.statusCode).toBe(409)
    expect(err.cause).toBe(cause)
    expect(err.details).toEqual({ constraint: 'users_email_key' })
    expect(Object.isFrozen(err.details)).toBe(true)
  })

  it('does not keep a reference to the caller details object', () => {
    const details = { a: 1 }
    const err = new MegaError('X', 'x', { details })
    details.a = 2
    expect(err.details).toEqual({ a: 1 })
  })

  it('serialises to a stable JSON shape without stack or cause', () => {
    const err = new MegaError('MEGA_X', 'Do the thing.', {
      statusCode: 400,
      cause: new Error('secret'),
    })
    expect(JSON.parse(JSON.stringify(err))).toMatchInlineSnapshot(`
      {
        "code": "MEGA_X",
        "message": "Do the thing.",
        "name": "MegaError",
        "statusCode": 400,
      }
    `)
  })

  describe('is()', () => {
    it('recognises MegaErrors and optionally their code', () => {
      const err = new MegaError('MEGA_A', 'a')
      expect(MegaError.is(err)).toBe(true)
      expect(MegaError.is(err, 'MEGA_A')).toBe(true)
      expect(MegaError.is(err, 'MEGA_B')).toBe(false)
    })

    it('rejects plain errors, look-alikes and non-objects', () => {
      expect(MegaError.is(new Error('x'))).toBe(false)
      expect(MegaError.is({ code: 'MEGA_A', message: 'a' })).toBe(false)
      expect(MegaError.is(null)).toBe(false)
      expect(MegaError.is('MEGA_A')).toBe(false)
    })

    it('works across duplicate copies of the package (Symbol.for brand)', () => {
      // An error built by another copy carries only the global brand, not this class's prototype.
      const foreign = Object.assign(new Error('from a second copy'), { code: 'MEGA_Z' })
      Object.defineProperty(foreign, Symbol.for('mega.error'), { value: true })
      expect(foreign instanceof MegaError).toBe(false)
      expect(MegaError.is(foreign, 'MEGA_Z')).toBe(true)
    })
  })
})

describe('MegaConfigError', () => {
  it('lists every problem with its path in the message and in issues', () => {
    const err = new MegaConfigError('logger', [
      { path: 'logger.level', message: 'use one of trace, debug, info, warn, error, fatal' },
      { path: 'logger.redact[1]', message: 'not a valid redact path' },
      { path: '', message: 'must be an object' },
    ])
    expect(err.code).toBe('MEGA_CONFIG_INVALID')
    expect(err.name).toBe('MegaConfigError')
    expect(MegaError.is(err, 'MEGA_CONFIG_INVALID')).toBe(true)
    expect(err.issues).toHaveLength(3)
    expect(err.message).toMatchInlineSnapshot(`
      "Invalid logger (3 problems); fix each and try again:
        - logger.level: use one of trace, debug, info, warn, error, fatal
        - logger.redact[1]: not a valid redact path
        - (root): must be an object"
    `)
  })
})

describe('toMegaError', () => {
  it('returns a MegaError unchanged', () => {
    const err = new MegaError('MEGA_A', 'a')
    expect(toMegaError(err)).toBe(err)
  })

  it('wraps an Error as MEGA_INTERNAL 500 with the original as cause', () => {
    const original = new TypeError('boom')
    const err = toMegaError(original)
    expect([err.code, err.statusCode, err.message, err.cause]).toEqual([
      'MEGA_INTERNAL',
      500,
      'boom',
      original,
    ])
  })

  it('wraps non-errors with a readable message and a chosen code', () => {
    expect(toMegaError('plain').message).toBe('plain')
    expect(toMegaError({ a: 1 }, 'MEGA_X', 502).toJSON()).toMatchObject({
      code: 'MEGA_X',
      message: '{"a":1}',
      statusCode: 502,
    })
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(toMegaError(circular).message).toBe('[object Object]')
    expect(toMegaError(undefined).message).toBe('undefined')
  })
})

describe('README error table', () => {
  it('lists exactly the codes @mega/observe uses', async () => {
    const { readmeErrorCodes } = await import('@mega/test-utils')
    const { OBSERVE_ERROR_CODES } = await import('../src/errors.js')
    const listed = await readmeErrorCodes(new URL('../README.md', import.meta.url).pathname)
    expect([...listed].sort()).toEqual([...OBSERVE_ERROR_CODES].sort())
  })

  it('declares every code the source uses', async () => {
    const { sourceErrorCodes } = await import('@mega/test-utils')
    const { OBSERVE_ERROR_CODES } = await import('../src/errors.js')
    const used = await sourceErrorCodes(new URL('../src', import.meta.url).pathname)
    // Shaped like codes, but an environment variable's name (LOG_PRETTY_ENV) and the code of a
    // warning, not an error (TracingEnvWarning; the README's tracing section lists it).
    const notCodes = ['MEGA_LOG_PRETTY', 'MEGA_TRACING_ENV_IGNORED']
    expect(
      used.filter(
        (c) => !(OBSERVE_ERROR_CODES as readonly string[]).includes(c) && !notCodes.includes(c),
      ),
    ).toEqual([])
  })
})
