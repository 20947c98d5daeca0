import { describe, expect, it, vi } from 'vitest'
import { createMetrics, MegaError } from '@mega/observe'
import {
  BRUTE_FORCE_DEFAULTS,
  MemoryCacheAdapter,
  UnauthorizedError,
  bruteForce,
  createApp,
  defineRoutes,
  type BruteForceOptions,
  type CacheAdapter,
  type LockoutEvent,
} from '../../src/index.js'
import { trackServers } from '../helpers/track-servers.js'

const track = trackServers()
const MINUTE = 60_000

/** A guard and a memory cache on one hand-driven clock. */
function setup(options: BruteForceOptions = {}) {
  const clock = { now: 1_000_000 }
  const now = () => clock.now
  const cache = new MemoryCacheAdapter('cache', {}, now)
  const events: LockoutEvent[] = []
  const guard = bruteForce({
    metrics: false,
    onLockout: (e) => events.push(e),
    now,
    ...options,
  })
  return { clock, cache, guard, attempts: guard.use(cache), events }
}

async function lockedOut(promise: Promise<unknown>): Promise<MegaError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(MegaError.is(err, 'MEGA_LOCKED_OUT'), String(err)).toBe(true)
  return err as MegaError
}

const ada = { account: 'ada@example.com', address: '10.0.0.1' }

describe('bruteForce per account', () => {
  it('locks an account after maxFailures failures, with Retry-After seconds, and says so once', async () => {
    const { attempts, events, clock } = setup()
    for (let i = 1; i < BRUTE_FORCE_DEFAULTS.maxFailures; i += 1) {
      expect(await attempts.fail(ada)).toEqual({ lockedOut: false, retryAfterS: 0 })
      await attempts.check(ada)
    }
    expect(await attempts.fail(ada)).toEqual({ lockedOut: true, retryAfterS: 15 * 60 })
    const err = await lockedOut(attempts.check(ada))
    expect(err.statusCode).toBe(429)
    expect(err.details).toEqual({ retryAfterS: 900 })
    // The same account from another address is locked too (guesses spread over addresses).
    await lockedOut(attempts.check({ account: ada.account, address: '10.9.9.9' }))
    await attempts.check({ account: 'bob@example.com', address: ada.address }) // not the address
    expect(events).toEqual([
      {
        guard: 'login',
        scope: 'account',
        key: ada.account,
        level: 1,
        lockedForMs: 900_000,
        until: 1_000_000 + 900_000,
      },
    ])
    clock.now += 10 * MINUTE
    expect((await lockedOut(attempts.check(ada))).details).toEqual({ retryAfterS: 300 })
    clock.now += 5 * MINUTE
    await attempts.check(ada) // the lock is over
    expect((await attempts.status(ada)).account).toEqual({ failures: 0, level: 1, lockedForS: 0 })
  })

  it('never locks after any number of successes: only failures count', async () => {
    const { attempts } = setup({ maxFailures: 3 })
    for (let i = 0; i < 20; i += 1) expect(await attempts.attempt(ada, () => 'ok')).toBe('ok')
    expect(await attempts.status(ada)).toEqual({
      account: { failures: 0, level: 0, lockedForS: 0 },
      address: { failures: 0, level: 0, lockedForS: 0 },
    })
  })

  it('a success clears the account count (not the address count)', async () => {
    const { attempts } = setup({ maxFailures: 3 })
    await attempts.fail(ada)
    await attempts.fail(ada)
    await attempts.succeed(ada)
    const status = await attempts.status(ada)
    expect(status.account?.failures).toBe(0)
    expect(status.address?.failures).toBe(2)
    await attempts.fail(ada)
    await attempts.fail(ada)
    await attempts.check(ada) // 2 failures since the success: still open
  })

  it('attempt counts 4xx errors as failures, passes errors through, and not server errors', async () => {
    const { attempts } = setup({ maxFailures: 2 })
    const wrong = () => {
      throw new UnauthorizedError('Wrong email or password.')
    }
    await expect(attempts.attempt(ada, () => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    )
    expect((await attempts.status(ada)).account?.failures).toBe(0)
    await expect(attempts.attempt(ada, wrong)).rejects.toThrow('Wrong email or password.')
    await expect(attempts.attempt(ada, wrong)).rejects.toThrow('Wrong email or password.')
    const ran = vi.fn()
    await lockedOut(attempts.attempt(ada, ran)) // locked: the password is not even checked
    expect(ran).not.toHaveBeenCalled()
    const custom = vi.fn(() => true)
    await expect(
      attempts.attempt({ account: 'c@x' }, () => Promise.reject(new Error('x')), {
        failsOn: custom,
      }),
    ).rejects.toThrow('x')
    expect(custom).toHaveBeenCalledOnce()
    expect((await attempts.status({ account: 'c@x' })).account?.failures).toBe(1)
  })

  it('unlock lifts the lock and forgets the failures and the level (staff)', async () => {
    const { attempts } = setup({ maxFailures: 2 })
    await attempts.fail(ada)
    await attempts.fail(ada)
    await lockedOut(attempts.check({ account: ada.account }))
    await attempts.unlock(ada.account)
    await attempts.check({ account: ada.account })
    expect((await attempts.status(ada)).account).toEqual({ failures: 0, level: 0, lockedForS: 0 })
    // The address (2 failures of 50) is untouched; unlockAddress clears it.
    expect((await attempts.status(ada)).address?.failures).toBe(2)
    await attempts.unlockAddress(ada.address)
    expect((await attempts.status(ada)).address?.failures).toBe(0)
  })

  it('progressive: each lockout within resetAfterMs doubles, up to maxLockoutMs', async () => {
    const { attempts, clock, events } = setup({
      maxFailures: 2,
      lockoutMs: MINUTE,
      progressive: { factor: 2, maxLockoutMs: 5 * MINUTE },
    })
    const seen: number[] = []
    for (let round = 0; round < 5; round += 1) {
      await attempts.fail(ada)
      const { retryAfterS } = await attempts.fail(ada)
      seen.push(retryAfterS)
      clock.now += retryAfterS * 1000 // wait the lock out
      await attempts.check(ada)
    }
    expect(seen).toEqual([60, 120, 240, 300, 300])
    expect(events.map((e) => e.level)).toEqual([1, 2, 3, 4, 5])
    // A day without a lockout: the level is forgotten, the next lockout is the first again.
    clock.now += BRUTE_FORCE_DEFAULTS.resetAfterMs + 5 * MINUTE
    await attempts.fail(ada)
    expect((await attempts.fail(ada)).retryAfterS).toBe(60)
  })

  it('a fractional factor gives whole milliseconds (1.5: 1 s, 1.5 s, 2.25 s)', async () => {
    const { attempts, clock, events } = setup({
      maxFailures: 1,
      lockoutMs: 1000,
      progressive: { factor: 1.5, maxLockoutMs: 60_000 },
    })
    for (let i = 0; i < 3; i += 1) {
      await attempts.fail({ account: 'a' })
      clock.now += 60_000
    }
    expect(events.map((e) => e.lockedForMs)).toEqual([1000, 1500, 2250])
  })

  it('fixed (progressive: false): every lockout lasts lockoutMs', async () => {
    const { attempts, clock } = setup({ maxFailures: 1, lockoutMs: 30_000, progressive: false })
    for (let i = 0; i < 3; i += 1) {
      expect(await attempts.fail({ account: 'a' })).toEqual({ lockedOut: true, retryAfterS: 30 })
      clock.now += 30_000
    }
  })

  it('counts failures in a window: failures older than windowMs are forgotten', async () => {
    const { attempts, clock } = setup({ maxFailures: 3, windowMs: MINUTE })
    await attempts.fail(ada)
    await attempts.fail(ada)
    clock.now += MINUTE + 1
    expect(await attempts.fail(ada)).toEqual({ lockedOut: false, retryAfterS: 0 })
  })
})

describe('bruteForce per address', () => {
  it('locks an address guessing many accounts, and only that address', async () => {
    const { attempts, events } = setup({ maxFailures: 5, perAddress: { maxFailures: 10 } })
    for (let i = 0; i < 10; i += 1)
      await attempts.fail({ account: `user${i}@example.com`, address: '10.0.0.7' })
    await lockedOut(attempts.check({ account: 'fresh@example.com', address: '10.0.0.7' }))
    await attempts.check({ account: 'fresh@example.com', address: '10.0.0.8' })
    expect(events.map((e) => [e.scope, e.key])).toEqual([['address', '10.0.0.7']])
  })

  it('perAddress: false counts accounts only', async () => {
    const { attempts } = setup({ maxFailures: 100, perAddress: false })
    for (let i = 0; i < 60; i += 1) await attempts.fail({ account: `u${i}`, address: '10.0.0.7' })
    await attempts.check({ account: 'u0', address: '10.0.0.7' })
    expect(await attempts.status({ address: '10.0.0.7' })).toEqual({})
  })
})

describe('bruteForce counting', () => {
  it('counts 50 parallel failures as 50 and locks exactly once', async () => {
    const { attempts, events } = setup({ maxFailures: 30 })
    await Promise.all(Array.from({ length: 50 }, () => attempts.fail({ account: 'x' })))
    expect(events).toHaveLength(1)
    const racing = setup({ maxFailures: 100 })
    await Promise.all(Array.from({ length: 50 }, () => racing.attempts.fail({ account: 'x' })))
    expect((await racing.attempts.status({ account: 'x' })).account?.failures).toBe(50)
  })

  it('stores hashes of the keys, never the email or address', async () => {
    const { attempts, cache } = setup({ maxFailures: 1 })
    await attempts.fail(ada)
    const keys = (cache as unknown as { map: { keys(): string[] } }).map.keys()
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) {
      expect(key).toMatch(
        /^bruteforce:login:(account|address):[A-Za-z0-9_-]{22}:(n|claim|lock|level)$/,
      )
      expect(key).not.toContain('ada')
    }
  })

  it('records mega_brute_force_lockouts_total and logs a warning without the raw key', async () => {
    const metrics = createMetrics({ serviceName: 'bf-test' })
    const guard = bruteForce({
      name: 'reset',
      maxFailures: 1,
      perAddress: { maxFailures: 1 },
      metrics,
    })
    const warn = vi.fn()
    const attempts = guard.use(new MemoryCacheAdapter('cache'), { warn, error: vi.fn() })
    await attempts.fail(ada)
    expect(await metrics.renderPrometheus()).toMatch(
      /mega_brute_force_lockouts_total\{guard="reset",scope="account"[^}]*\} 1/,
    )
    expect(warn).toHaveBeenCalledTimes(2) // account and address (a limit of 1 each)
    expect(JSON.stringify(warn.mock.calls)).not.toContain('ada@')
    await metrics.shutdown()
  })

  it('a throwing onLockout listener is logged and changes nothing', async () => {
    const error = vi.fn()
    const guard = bruteForce({
      maxFailures: 1,
      metrics: false,
      onLockout: () => {
        throw new Error('listener')
      },
    })
    const attempts = guard.use(new MemoryCacheAdapter('cache'), { warn: vi.fn(), error })
    expect((await attempts.fail({ account: 'a' })).lockedOut).toBe(true)
    await lockedOut(attempts.check({ account: 'a' }))
    expect(error).toHaveBeenCalled()
  })
})

describe('bruteForce options and store', () => {
  it('rejects bad options with MEGA_CONFIG_INVALID, naming the field', () => {
    const bad: Record<string, BruteForceOptions> = {
      maxFailures: { maxFailures: 0 },
      windowMs: { windowMs: 10 },
      name: { name: 'has space' },
      perAddress: { perAddress: { maxFailures: -1 } },
      progressive: { progressive: { factor: 0.5, maxLockoutMs: 60_000 } },
      maxLockout: { lockoutMs: 120_000, progressive: { factor: 2, maxLockoutMs: 60_000 } },
      resetAfter: { resetAfterMs: 999 },
      unknown: { max: 5 } as BruteForceOptions,
      metrics: { metrics: {} as never },
    }
    for (const [name, options] of Object.entries(bad)) {
      let code: string | undefined
      try {
        bruteForce(options)
      } catch (err) {
        code = (err as MegaError).code
      }
      expect(code, name).toBe('MEGA_CONFIG_INVALID')
    }
  })

  it('use() refuses a store without incr with MEGA_LOCKOUT_STORE_INVALID', () => {
    const noIncr = { kind: 'cache', get: vi.fn() } as unknown as CacheAdapter
    expect(() => bruteForce().use(noIncr)).toThrow(
      expect.objectContaining({ code: 'MEGA_LOCKOUT_STORE_INVALID' }),
    )
    expect(() => bruteForce().use(undefined as unknown as CacheAdapter)).toThrow(/got undefined/)
  })
})

describe('bruteForce over HTTP', () => {
  it.each([false, true])(
    'answers 429 MEGA_LOCKED_OUT with a Retry-After header (production: %s, which hides details)',
    async (production) => {
      const guard = bruteForce({ maxFailures: 2, metrics: false })
      const routes = defineRoutes((r) => {
        r.post('/login', async (ctx) => {
          const { email, password } = ctx.body as { email: string; password: string }
          return guard
            .use(ctx.cache(), ctx.log)
            .attempt({ account: email, address: ctx.request.ip }, () => {
              if (password !== 'right') throw new UnauthorizedError('Wrong email or password.')
              return { email }
            })
        })
      })
      const server = track(
        createApp({ routes, production, adapters: { cache: new MemoryCacheAdapter('cache') } }),
      )
      const login = (password: string) =>
        server.inject({ method: 'POST', url: '/login', payload: { email: 'a@x', password } })
      expect((await login('right')).statusCode).toBe(200)
      expect((await login('wrong')).statusCode).toBe(401)
      expect((await login('wrong')).statusCode).toBe(401)
      const refused = await login('right')
      expect(refused.statusCode).toBe(429)
      expect(refused.headers['retry-after']).toBe('900')
      expect(refused.json()).toMatchObject({ error: { code: 'MEGA_LOCKED_OUT' } })
    },
  )
})
