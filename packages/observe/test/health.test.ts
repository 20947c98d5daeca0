import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createHealth,
  DEFAULT_CHECK_TIMEOUT_MS,
  HealthRegistry,
  MegaHealth,
  type HealthCheckResult,
  type HealthRegistry as Registry,
} from '../src/health.js'
import { createFakeTimers, type FakeTimers } from './helpers/fake-timers.js'

let timers: FakeTimers
let shuttingDown: boolean
let health: Registry

beforeEach(() => {
  timers = createFakeTimers()
  shuttingDown = false
  health = createHealth({
    timers,
    clock: { now: () => timers.now() },
    isShuttingDown: () => shuttingDown,
  })
})

const never = () => new Promise<never>(() => {})

function after(ms: number, result: HealthCheckResult) {
  return () =>
    new Promise<HealthCheckResult>((resolve) => timers.setTimeout(() => resolve(result), ms))
}

describe('createHealth', () => {
  it('rejects a clock without now() with MEGA_CONFIG_INVALID', () => {
    expect(() => createHealth({ clock: {} as never })).toThrowError(
      expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }),
    )
  })
})

describe('register', () => {
  it.each([[''], [null], [7]])('throws MEGA_HEALTH_CHECK_INVALID for the name %j', (name) => {
    expect(() => health.register(name as string, () => ({ ok: true }))).toThrowError(
      expect.objectContaining({ code: 'MEGA_HEALTH_CHECK_INVALID' }),
    )
  })

  it('throws MEGA_HEALTH_CHECK_INVALID when the check is not a function', () => {
    expect(() => health.register('db', { ok: true } as never)).toThrowError(
      expect.objectContaining({ code: 'MEGA_HEALTH_CHECK_INVALID', name: 'MegaError' }),
    )
  })

  it.each([[0], [-1], [1.5], ['100'], [Number.NaN]])(
    'throws MEGA_CONFIG_INVALID for timeoutMs %j instead of falling back',
    (timeoutMs) => {
      expect(() =>
        health.register('db', () => ({ ok: true }), { timeoutMs: timeoutMs as number }),
      ).toThrowError(
        expect.objectContaining({
          code: 'MEGA_CONFIG_INVALID',
          issues: [expect.objectContaining({ path: 'health check "db" options.timeoutMs' })],
        }),
      )
      expect(health.registeredCount()).toBe(0)
    },
  )

  it('replaces a check registered under the same name', async () => {
    health.register('db', () => ({ ok: false }))
    health.register('db', () => ({ ok: true, version: 2 }))
    expect(health.registeredCount()).toBe(1)
    await expect(health.checkAll()).resolves.toMatchObject({
      checks: { db: { ok: true, version: 2 } },
    })
  })

  it('unregisters by name', () => {
    health.register('db', () => ({ ok: true }))
    expect(health.unregister('db')).toBe(true)
    expect(health.unregister('db')).toBe(false)
  })
})

describe('checkAll', () => {
  it('reports ok with no checks', async () => {
    await expect(health.checkAll()).resolves.toEqual({ status: 'ok', checks: {}, durationMs: 0 })
  })

  it('runs checks in parallel and measures the run with the clock', async () => {
    health.register('db', after(300, { ok: true }))
    health.register('cache', after(200, { ok: true }))
    const done = health.checkAll()
    await timers.advance(300)
    await expect(done).resolves.toEqual({
      status: 'ok',
      checks: { db: { ok: true }, cache: { ok: true } },
      durationMs: 300,
    })
  })

  it('reports an { ok: true } result unchanged', async () => {
    const result = { ok: true, latencyMs: 3 }
    health.register('db', () => result)
    const report = await health.checkAll()
    expect(report.checks.db).toBe(result)
  })

  it('times out only the hanging check, after its own timeout', async () => {
    health.register('slow', never, { timeoutMs: 100 })
    health.register('fast', after(150, { ok: true }))
    const done = health.checkAll()
    await timers.advance(150)
    const report = await done
    expect(report.status).toBe('fail')
    expect(report.checks).toEqual({
      slow: {
        ok: false,
        error: 'health check "slow" timed out after 100ms',
        code: 'MEGA_HEALTH_CHECK_TIMEOUT',
      },
      fast: { ok: true },
    })
  })

  it(`uses ${DEFAULT_CHECK_TIMEOUT_MS}ms when timeoutMs is omitted`, async () => {
    health.register('slow', never)
    const settled = vi.fn()
    void health.checkAll().then(settled)
    await timers.advance(DEFAULT_CHECK_TIMEOUT_MS - 1)
    expect(settled).not.toHaveBeenCalled()
    await timers.advance(1)
    expect(settled).toHaveBeenCalledWith(expect.objectContaining({ status: 'fail' }))
  })

  it('reports any other result as failed, keeping its fields', async () => {
    health.register('db', () => ({ ok: false, reason: 'pool exhausted' }))
    health.register('odd', () => ({ ok: 'yes' }) as never)
    health.register('none', () => undefined as never)
    const { checks } = await health.checkAll()
    expect(checks).toEqual({
      db: { ok: false, reason: 'pool exhausted' },
      odd: { ok: false },
      none: { ok: false, error: 'check returned undefined; return { ok: true } when healthy' },
    })
  })

  it('reports a throwing or rejecting check with its message', async () => {
    health.register('throws', () => {
      throw new Error('connection refused')
    })
    health.register('rejects', () => Promise.reject(new Error('auth failed')))
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a non-Error reason is the case under test
    health.register('rejects-string', () => Promise.reject('nope'))
    const report = await health.checkAll()
    expect(report).toMatchObject({
      status: 'fail',
      checks: {
        throws: { ok: false, error: 'connection refused' },
        rejects: { ok: false, error: 'auth failed' },
        'rejects-string': { ok: false, error: 'nope' },
      },
    })
  })

  it('unrefs its timers and clears them when the checks settle', async () => {
    health.register('db', after(10, { ok: true }))
    const done = health.checkAll()
    await timers.flush()
    expect(timers.unrefed()).toBe(1)
    await timers.advance(10)
    await done
    expect(timers.pending()).toBe(0)
  })
})

describe('liveness and readiness', () => {
  beforeEach(() => {
    health.register('event-loop', () => ({ ok: true }), { kind: 'liveness' })
    health.register('db', () => ({ ok: false }))
  })

  it('liveness runs only the liveness checks', async () => {
    await expect(health.liveness()).resolves.toEqual({
      status: 'ok',
      checks: { 'event-loop': { ok: true } },
      durationMs: 0,
    })
  })

  it('readiness runs only the readiness checks', async () => {
    await expect(health.readiness()).resolves.toEqual({
      status: 'fail',
      checks: { db: { ok: false } },
      durationMs: 0,
      shuttingDown: false,
    })
  })

  it('checkAll runs both kinds', async () => {
    const { checks } = await health.checkAll()
    expect(Object.keys(checks).sort()).toEqual(['db', 'event-loop'])
  })

  it('readiness fails without running checks once shutdown has started, while liveness still passes', async () => {
    const db = vi.fn(() => ({ ok: true }))
    health.register('db', db)
    shuttingDown = true
    await expect(health.readiness()).resolves.toEqual({
      status: 'fail',
      checks: {},
      durationMs: 0,
      shuttingDown: true,
    })
    expect(db).not.toHaveBeenCalled()
    await expect(health.liveness()).resolves.toMatchObject({ status: 'ok' })
  })

  it('readiness fails when shutdown starts while its checks run', async () => {
    health.register('db', () => {
      shuttingDown = true
      return { ok: true }
    })
    await expect(health.readiness()).resolves.toMatchObject({ status: 'fail', shuttingDown: true })
  })

  it('rejects an unknown kind with MEGA_CONFIG_INVALID', () => {
    expect(() =>
      health.register('x', () => ({ ok: true }), { kind: 'startup' as never }),
    ).toThrowError(expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }))
  })
})

describe('MegaHealth', () => {
  it('is a process-wide registry whose readiness follows MegaShutdown', async () => {
    expect(MegaHealth).toBeInstanceOf(HealthRegistry)
    await expect(MegaHealth.readiness()).resolves.toMatchObject({ shuttingDown: false })
  })
})
