import { describe, expect, it, vi } from 'vitest'
import { MegaError } from '@mega/observe'
import { withRetry, type RetryAttemptInfo } from '../../src/index.js'

const tiny = { minTimeout: 1, maxTimeout: 2 }

describe('withRetry', () => {
  it('runs the first attempt at once and returns its value without retrying', async () => {
    const fn = vi.fn((attempt: number) => `ok ${attempt}`)
    await expect(withRetry(fn, tiny)).resolves.toBe('ok 1')
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('counts retries as additional attempts and reports each failure', async () => {
    const seen: RetryAttemptInfo[] = []
    const errors = [new Error('a'), new Error('b'), new Error('c')]
    let calls = 0
    const err = await withRetry(
      () => {
        throw errors[calls++] ?? new Error('unexpected attempt')
      },
      { ...tiny, retries: 2, onFailedAttempt: (info) => void seen.push(info) },
    ).catch((e: unknown) => e)
    expect(calls).toBe(3)
    expect(err).toBe(errors[2])
    expect(seen).toEqual([
      { attempt: 1, retriesLeft: 2, error: errors[0] },
      { attempt: 2, retriesLeft: 1, error: errors[1] },
      { attempt: 3, retriesLeft: 0, error: errors[2] },
    ])
  })

  it('retries a TypeError and a thrown non-Error too, rejecting with exactly what was thrown', async () => {
    let calls = 0
    const result = await withRetry(
      () => {
        calls++
        if (calls === 1) throw new TypeError('bug')
        if (calls === 2) throw 'plain string' as unknown as Error
        return 'third time'
      },
      { ...tiny, retries: 2 },
    )
    expect(result).toBe('third time')
    await expect(
      withRetry(
        () => {
          throw 42 as unknown as Error
        },
        { ...tiny, retries: 1 },
      ),
    ).rejects.toBe(42)
  })

  it('retries: 0 makes exactly one attempt', async () => {
    const fn = vi.fn(() => Promise.reject(new Error('no')))
    await expect(withRetry(fn, { retries: 0 })).rejects.toThrow('no')
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('waits minTimeout · factor^(n−1), capped at maxTimeout', async () => {
    vi.useFakeTimers()
    try {
      const times: number[] = []
      const done = withRetry(
        () => {
          times.push(Date.now())
          throw new Error('x')
        },
        { retries: 3, minTimeout: 100, factor: 3, maxTimeout: 500 },
      ).catch(() => 'failed')
      await vi.runAllTimersAsync()
      expect(await done).toBe('failed')
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0))
      expect(gaps).toEqual([100, 300, 500])
    } finally {
      vi.useRealTimers()
    }
  })

  it('with jitter each wait lies between the plain wait and twice it, still capped', async () => {
    vi.useFakeTimers()
    try {
      const times: number[] = []
      const done = withRetry(
        () => {
          times.push(Date.now())
          throw new Error('x')
        },
        { retries: 3, minTimeout: 100, factor: 2, maxTimeout: 300, jitter: true },
      ).catch(() => 'failed')
      await vi.runAllTimersAsync()
      await done
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0))
      expect(gaps[0]).toBeGreaterThanOrEqual(100)
      expect(gaps[0]).toBeLessThanOrEqual(200)
      expect(gaps[1]).toBeGreaterThanOrEqual(200)
      for (const g of gaps) expect(g).toBeLessThanOrEqual(300)
    } finally {
      vi.useRealTimers()
    }
  })

  it('stops when onFailedAttempt throws, rejecting with its error', async () => {
    const fn = vi.fn(() => Promise.reject(new Error('job')))
    const stop = new Error('listener')
    await expect(
      withRetry(fn, {
        ...tiny,
        retries: 5,
        onFailedAttempt: () => {
          throw stop
        },
      }),
    ).rejects.toBe(stop)
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('refuses bad options with one MEGA_CONFIG_INVALID listing every problem, calling nothing', async () => {
    const fn = vi.fn()
    const err = await withRetry(fn, {
      retries: -1,
      minTimeout: 10,
      maxTimeout: 5,
      factor: 0.5,
    }).catch((e: unknown) => e)
    expect(MegaError.is(err) && err.code).toBe('MEGA_CONFIG_INVALID')
    expect((err as MegaError).issues?.map((i) => i.path)).toEqual([
      'withRetry options.retries',
      'withRetry options.factor',
      'withRetry options.maxTimeout',
    ])
    expect(fn).not.toHaveBeenCalled()
  })
})
