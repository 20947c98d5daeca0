import { expect } from 'vitest'

// MegaError's brand (see @mega/observe errors.ts). test-utils imports no @mega package (they all
// depend on it), so it recognises a MegaError the way `MegaError.is` does, across copies.
const MEGA_ERROR = Symbol.for('mega.error')

/** A MegaError as a test reads it; pass `MegaError` as the type argument for the full class. */
export interface CaughtMegaError extends Error {
  readonly code: string
  readonly statusCode?: number
  readonly details?: Readonly<Record<string, unknown>>
  readonly issues?: readonly { readonly path: string; readonly message: string }[]
}

function isMegaError(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[MEGA_ERROR] === true
  )
}

function megaErrorOrRethrow<E>(err: unknown): E {
  if (isMegaError(err)) return err as E
  throw err
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/**
 * The MegaError that `source` throws or rejects with: a function that throws gives it at once; a
 * promise, or a function returning one, gives a promise of it. Anything else thrown is rethrown (the
 * test fails with the real error), and no error at all fails the test.
 *
 * @example
 * expect(caught(() => parse('')).code).toBe('MEGA_CONFIG_INVALID')
 * expect((await caught(adapter.connect())).code).toBe('MEGA_DB_CONNECT_FAILED')
 */
// A function that only throws returns `never`, which would match the promise overload: first.
export function caught<E = CaughtMegaError>(source: () => never): E
export function caught<E = CaughtMegaError>(
  source: PromiseLike<unknown> | (() => PromiseLike<unknown>),
): Promise<E>
export function caught<E = CaughtMegaError>(source: () => unknown): E
export function caught<E = CaughtMegaError>(
  source: PromiseLike<unknown> | (() => unknown),
): E | Promise<E> {
  let result: unknown = source
  if (typeof source === 'function') {
    try {
      result = source()
    } catch (err) {
      return megaErrorOrRethrow<E>(err)
    }
  }
  if (!isThenable(result)) throw new Error('expected a MegaError to be thrown, but it returned')
  return Promise.resolve(result).then(
    () => {
      throw new Error('expected a MegaError rejection, but it resolved')
    },
    megaErrorOrRethrow<E>,
  )
}

/**
 * Asserts that `source` throws (or rejects with) a MegaError of `code` and returns it, for more
 * checks. Like {@link caught}, synchronous for a function that throws, a promise otherwise.
 *
 * @example
 * const err = expectMegaError(() => createMetrics({}), 'MEGA_METRICS_INVALID')
 * expect(err.issues).toHaveLength(1)
 */
export function expectMegaError<E extends { readonly code: string } = CaughtMegaError>(
  source: () => never,
  code: string,
): E
export function expectMegaError<E extends { readonly code: string } = CaughtMegaError>(
  source: PromiseLike<unknown> | (() => PromiseLike<unknown>),
  code: string,
): Promise<E>
export function expectMegaError<E extends { readonly code: string } = CaughtMegaError>(
  source: () => unknown,
  code: string,
): E
export function expectMegaError<E extends { readonly code: string } = CaughtMegaError>(
  source: PromiseLike<unknown> | (() => unknown),
  code: string,
): E | Promise<E> {
  const check = (err: E): E => {
    expect(err.code).toBe(code)
    return err
  }
  const err = caught<E>(source as () => unknown)
  return isThenable(err) ? Promise.resolve(err as unknown as Promise<E>).then(check) : check(err)
}
