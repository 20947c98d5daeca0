import { describe, expect, it } from 'vitest'
import { caught, expectMegaError } from '../src/index.js'

// A stand-in for MegaError with its cross-copy brand (test-utils depends on no @mega package).
class BrandedError extends Error {
  readonly code: string
  constructor(code: string) {
    super(`failed: ${code}`)
    this.code = code
    Object.defineProperty(this, Symbol.for('mega.error'), { value: true })
  }
}

const fail = (code: string) => () => {
  throw new BrandedError(code)
}

describe('caught', () => {
  it('returns what a function throws, at once', () => {
    expect(caught(fail('MEGA_X')).code).toBe('MEGA_X')
  })

  it('returns what a promise, or a function returning one, rejects with', async () => {
    expect((await caught(Promise.reject(new BrandedError('MEGA_A')))).code).toBe('MEGA_A')
    expect((await caught(async () => fail('MEGA_B')())).code).toBe('MEGA_B')
  })

  it('rethrows an error that is not a MegaError, and fails when nothing is thrown', async () => {
    expect(() => caught(() => JSON.parse('{'))).toThrow(SyntaxError)
    await expect(caught(Promise.reject(new TypeError('plain')))).rejects.toThrow('plain')
    expect(() => caught(() => 1)).toThrow('expected a MegaError to be thrown, but it returned')
    await expect(caught(Promise.resolve(1))).rejects.toThrow('but it resolved')
  })
})

describe('expectMegaError', () => {
  it('checks the code and returns the error, sync or async', async () => {
    expect(expectMegaError(fail('MEGA_X'), 'MEGA_X').message).toBe('failed: MEGA_X')
    expect((await expectMegaError(Promise.reject(new BrandedError('MEGA_Y')), 'MEGA_Y')).code).toBe(
      'MEGA_Y',
    )
    expect(() => expectMegaError(fail('MEGA_X'), 'MEGA_OTHER')).toThrow()
  })
})
