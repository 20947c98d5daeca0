import { createMetrics } from '@mega/observe'
import { caught } from '@mega/test-utils'
import { describe, expect, it, vi } from 'vitest'
import {
  CIRCUIT_EVENTS,
  MegaCircuitBreaker,
  type CircuitBreakerConfig,
  type CircuitEvent,
} from '../../src/index.js'
import { deferred, fakeClock } from './fake-clock.js'

const boom = () => Promise.reject(new Error('down'))
const ok = () => Promise.resolve('ok')

function breaker(config: CircuitBreakerConfig = {}) {
  const clock = fakeClock()
  const b = new MegaCircuitBreaker({ clock, metrics: false, resetTimeoutMs: 1000, ...config })
  const events: string[] = []
  for (const event of CIRCUIT_EVENTS) b.on(event, () => events.push(event))
  return { b, clock, events }
}

async function fail(b: MegaCircuitBreaker, times: number) {
  for (let i = 0; i < times; i++) await b.run(boom).catch(() => undefined)
}

describe('MegaCircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures; a success resets the count', async () => {
    const { b, events } = breaker({ failureThreshold: 3 })
    await fail(b, 2)
    expect(await b.run(ok)).toBe('ok')
    await fail(b, 2)
    expect(b.state).toBe('closed')
    await fail(b, 1)
    expect(b.state).toBe('open')
    expect(events).toEqual([
      'failure',
      'failure',
      'success',
      'failure',
      'failure',
      'failure',
      'open',
    ])
  })

  it('rejects at once with MEGA_CIRCUIT_OPEN and the time left while open, without calling fn', async () => {
    const { b, clock, events } = breaker({ failureThreshold: 1 })
    await fail(b, 1)
    clock.advance(400)
    const fn = vi.fn(ok)
    const error = await caught(b.run(fn))
    expect(error.code).toBe('MEGA_CIRCUIT_OPEN')
    expect(error.statusCode).toBe(503)
    expect(error.details).toEqual({ circuit: 'default', state: 'open', retryAfterMs: 600 })
    expect(fn).not.toHaveBeenCalled()
    expect(events.at(-1)).toBe('reject')
    expect(b.stats).toMatchObject({ state: 'open', rejections: 1, calls: 1, retryAfterMs: 600 })
  })

  it('goes half-open after resetTimeoutMs and closes after successThreshold trial successes', async () => {
    const { b, clock, events } = breaker({ failureThreshold: 1, successThreshold: 2 })
    await fail(b, 1)
    clock.advance(999)
    expect(b.state).toBe('open')
    clock.advance(1)
    expect(b.state).toBe('half-open')
    await b.run(ok)
    expect(b.state).toBe('half-open')
    await b.run(ok)
    expect(b.state).toBe('closed')
    expect(events).toEqual(['failure', 'open', 'half-open', 'success', 'success', 'close'])
  })

  it('reopens on a failed trial call, for a fresh resetTimeoutMs', async () => {
    const { b, clock, events } = breaker({ failureThreshold: 1 })
    const opened: unknown[] = []
    b.on('open', (e) => opened.push(e))
    await fail(b, 1)
    clock.advance(1000)
    await fail(b, 1)
    expect(b.state).toBe('open')
    expect(opened).toEqual([
      { reason: 'consecutive-failures', retryAfterMs: 1000 },
      { reason: 'half-open-failure', retryAfterMs: 1000 },
    ])
    expect(b.stats.retryAfterMs).toBe(1000)
    expect(events.slice(-3)).toEqual(['half-open', 'failure', 'open'])
  })

  it('lets at most halfOpenMaxCalls trial calls run at once while half-open', async () => {
    const { b, clock } = breaker({ failureThreshold: 1, halfOpenMaxCalls: 2, successThreshold: 2 })
    await fail(b, 1)
    clock.advance(1000)
    const first = deferred()
    const second = deferred()
    const running = [b.run(() => first.promise), b.run(() => second.promise)]
    const third = await caught(b.run(ok))
    expect(third.code).toBe('MEGA_CIRCUIT_OPEN')
    expect(third.details).toMatchObject({ state: 'half-open', retryAfterMs: 0 })
    first.resolve('a')
    second.resolve('b')
    expect(await Promise.all(running)).toEqual(['a', 'b'])
    expect(b.state).toBe('closed')
  })

  it('opens on the failure rate over the rolling window once minimumCalls ran', async () => {
    const { b, clock } = breaker({
      failureRate: { threshold: 0.5, minimumCalls: 4, windowMs: 1000 },
    })
    await fail(b, 3)
    expect(b.state).toBe('closed') // 3 calls: below minimumCalls, and no consecutive threshold
    clock.advance(2000) // those failures leave the window
    await b.run(ok)
    await b.run(ok)
    await b.run(ok)
    await fail(b, 1)
    expect(b.stats.window).toEqual({ calls: 4, failures: 1 })
    expect(b.state).toBe('closed')
    await fail(b, 2)
    expect(b.state).toBe('open') // 3 of 6 failed
  })

  it('does not count errors isFailure rejects, yet passes them to the caller', async () => {
    const notFound = Object.assign(new Error('no such user'), { status: 404 })
    const { b } = breaker({
      failureThreshold: 1,
      isFailure: (e) => (e as { status?: number }).status !== 404,
    })
    const successes: unknown[] = []
    b.on('success', (e) => successes.push(e.error))
    for (let i = 0; i < 3; i++)
      await expect(b.run(() => Promise.reject(notFound))).rejects.toBe(notFound)
    expect(b.state).toBe('closed')
    expect(successes).toEqual([notFound, notFound, notFound])
    await fail(b, 1)
    expect(b.state).toBe('open')
  })

  it('times a call out after timeoutMs: aborts its signal, rejects with MEGA_CIRCUIT_TIMEOUT, counts a failure', async () => {
    const { b, clock, events } = breaker({ failureThreshold: 1, timeoutMs: 100 })
    let signal: AbortSignal | undefined
    const call = caught(
      b.run((s) => {
        signal = s
        return new Promise(() => undefined)
      }),
    )
    await Promise.resolve()
    clock.advance(100)
    const error = await call
    expect(error.code).toBe('MEGA_CIRCUIT_TIMEOUT')
    expect(signal?.aborted).toBe(true)
    expect(b.state).toBe('open')
    expect(events).toEqual(['timeout', 'failure', 'open'])
    expect(b.stats).toMatchObject({ failures: 1, timeouts: 1 })
  })

  it('keeps the outcome when a listener throws, and reports the listener error', async () => {
    const reported: CircuitEvent[] = []
    const { b } = breaker({
      failureThreshold: 1,
      onListenerError: (_e, event) => reported.push(event),
    })
    for (const event of ['failure', 'open', 'reject'] as const)
      b.on(event, () => {
        throw new Error(`listener of ${event}`)
      })
    await expect(b.run(boom)).rejects.toThrow('down')
    expect(b.state).toBe('open')
    expect((await caught(b.run(ok))).code).toBe('MEGA_CIRCUIT_OPEN')
    expect(reported).toEqual(['failure', 'open', 'reject'])
  })

  it('ignores the late answer of a call that started before the last transition', async () => {
    const { b, clock } = breaker({ failureThreshold: 1 })
    const slow = deferred()
    const late = b.run(() => slow.promise)
    await fail(b, 1)
    clock.advance(1000)
    expect(b.state).toBe('half-open')
    slow.reject(new Error('late'))
    await expect(late).rejects.toThrow('late')
    expect(b.state).toBe('half-open') // only a trial call may reopen (or close) it
    expect(b.stats.failures).toBe(2) // still counted in the totals
    await b.run(ok)
    expect(b.state).toBe('closed')
  })

  it('wrap() passes arguments through the breaker', async () => {
    const { b } = breaker()
    const add = b.wrap(async (x: number, y: number) => x + y)
    expect(await add(2, 3)).toBe(5)
    expect(b.stats).toMatchObject({ calls: 1, successes: 1 })
  })

  it('refuses bad options and unknown event names with MEGA_CONFIG_INVALID', () => {
    const error = caught(
      () =>
        new MegaCircuitBreaker({
          failureThreshold: 0,
          failureRate: { threshold: 1.5 },
          halfOpenMaxCalls: 0,
          clock: {} as never,
        }),
    )
    expect(error.code).toBe('MEGA_CONFIG_INVALID')
    expect(error.issues?.map((i) => i.path).sort()).toEqual([
      'MegaCircuitBreaker.clock',
      'MegaCircuitBreaker.failureRate.threshold',
      'MegaCircuitBreaker.failureThreshold',
      'MegaCircuitBreaker.halfOpenMaxCalls',
    ])
    const b = new MegaCircuitBreaker({ metrics: false })
    expect(caught(() => b.on('opened' as CircuitEvent, () => undefined)).code).toBe(
      'MEGA_CONFIG_INVALID',
    )
  })

  it('records its state gauge and calls by outcome', async () => {
    const metrics = createMetrics({ serviceName: 'breaker-test' })
    const clock = fakeClock()
    const b = new MegaCircuitBreaker({ name: 'pay', failureThreshold: 1, clock, metrics })
    await b.run(ok)
    await b.run(boom).catch(() => undefined)
    await b.run(ok).catch(() => undefined)
    const text = await metrics.renderPrometheus()
    expect(text).toMatch(/^mega_circuit_state\{circuit="pay"[^}]*\} 2$/m)
    for (const outcome of ['success', 'failure', 'rejected'])
      expect(text).toMatch(
        new RegExp(
          `^mega_circuit_calls_total\\{circuit="pay",outcome="${outcome}"[^}]*\\} 1$`,
          'm',
        ),
      )
    await metrics.shutdown()
  })
})
