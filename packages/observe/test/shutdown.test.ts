import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MegaError } from '../src/errors.js'
import {
  createShutdown,
  DEFAULT_GRACE_PERIOD_MS,
  DEFAULT_HARD_KILL_MS,
  MegaShutdown,
  SHUTDOWN_EXIT_CODES,
  ShutdownCoordinator,
  type ShutdownCoordinator as Coordinator,
  type ShutdownLogger,
} from '../src/shutdown.js'
import { FakeProcess } from './helpers/fake-process.js'
import { createFakeTimers, type FakeTimers } from './helpers/fake-timers.js'

function fakeLogger() {
  return { fatal: vi.fn(), error: vi.fn(), info: vi.fn() } satisfies ShutdownLogger
}

let proc: FakeProcess
let timers: FakeTimers
let logger: ReturnType<typeof fakeLogger>
let shutdown: Coordinator

beforeEach(() => {
  proc = new FakeProcess()
  timers = createFakeTimers()
  logger = fakeLogger()
  shutdown = createShutdown({ process: proc, timers, logger })
})

afterEach(() => {
  shutdown._reset()
})

const never = () => new Promise<never>(() => {})

function recordingHook(order: string[], name: string) {
  return () => {
    order.push(name)
  }
}

describe('createShutdown', () => {
  it('rejects a process seam that lacks the methods it calls', () => {
    expect(() => createShutdown({ process: {} as FakeProcess })).toThrowError(
      expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }),
    )
  })

  it('installs no process listener until setupSignals', () => {
    expect(proc.eventNames()).toEqual([])
  })
})

describe('register', () => {
  it.each([[''], [undefined], [42]])(
    'throws MEGA_SHUTDOWN_HOOK_INVALID for the name %j',
    (name) => {
      expect(() => shutdown.register(name as string, () => {})).toThrowError(
        expect.objectContaining({ code: 'MEGA_SHUTDOWN_HOOK_INVALID' }),
      )
    },
  )

  it('throws MEGA_SHUTDOWN_HOOK_INVALID when the hook is not a function', () => {
    const act = () => shutdown.register('db', 'close' as never)
    expect(act).toThrowError(MegaError)
    expect(act).toThrowError(expect.objectContaining({ code: 'MEGA_SHUTDOWN_HOOK_INVALID' }))
  })

  it('counts hooks and unregisters them by name', () => {
    shutdown.register('a', () => {})
    shutdown.register('b', () => {})
    expect(shutdown.registeredCount()).toBe(2)
    expect(shutdown.unregister('a')).toBe(true)
    expect(shutdown.unregister('a')).toBe(false)
    expect(shutdown.registeredCount()).toBe(1)
  })

  it('replaces a re-registered name and moves it to the end, so it runs first', async () => {
    const order: string[] = []
    shutdown.register('a', recordingHook(order, 'a-old'))
    shutdown.register('b', recordingHook(order, 'b'))
    shutdown.register('a', recordingHook(order, 'a-new'))
    await shutdown.now()
    expect(order).toEqual(['a-new', 'b'])
  })
})

describe('now', () => {
  it('runs hooks last-registered first, then exits with the requested code', async () => {
    const order: string[] = []
    for (const name of ['db', 'cache', 'http']) shutdown.register(name, recordingHook(order, name))
    const report = await shutdown.now({ signal: 'deploy', exitCode: 3 })
    expect(order).toEqual(['http', 'cache', 'db'])
    expect(report).toEqual({
      signal: 'deploy',
      outcome: 'completed',
      exitCode: 3,
      hooks: ['http', 'cache', 'db'].map((name) => ({ name, status: 'ok' })),
    })
    expect(proc.exitCodes).toEqual([3])
  })

  it('passes the signal to each hook', async () => {
    const hook = vi.fn()
    shutdown.register('a', hook)
    await shutdown.now({ signal: 'SIGTERM' })
    expect(hook).toHaveBeenCalledWith({ signal: 'SIGTERM' })
  })

  it('defaults to signal "manual" and exit code 0', async () => {
    await expect(shutdown.now()).resolves.toMatchObject({ signal: 'manual', exitCode: 0 })
    expect(proc.exitCodes).toEqual([0])
  })

  it('reports a throwing hook, still runs the rest, and exits 1 instead of 0', async () => {
    const order: string[] = []
    shutdown.register('last', recordingHook(order, 'last'))
    shutdown.register('broken', () => {
      throw new Error('socket gone')
    })
    const report = await shutdown.now()
    expect(order).toEqual(['last'])
    expect(report.hooks[0]).toMatchObject({
      name: 'broken',
      status: 'failed',
      error: { message: 'socket gone' },
    })
    expect(report.exitCode).toBe(SHUTDOWN_EXIT_CODES.hookFailed)
    expect(proc.exitCodes).toEqual([1])
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ hook: 'broken' }),
      'shutdown hook "broken" failed',
    )
  })

  it('keeps a non-zero requested exit code when a hook fails', async () => {
    shutdown.register('broken', () => Promise.reject(new Error('no')))
    await expect(shutdown.now({ exitCode: 2 })).resolves.toMatchObject({ exitCode: 2 })
  })

  it('abandons a hook at the grace period with MEGA_SHUTDOWN_HOOK_TIMEOUT and runs the next', async () => {
    shutdown.setupSignals({ gracePeriodMs: 100, hardKillMs: 1000, globalErrorHandlers: false })
    const order: string[] = []
    shutdown.register('next', recordingHook(order, 'next'))
    shutdown.register('hang', never)
    const done = shutdown.now()
    await timers.advance(99)
    expect(order).toEqual([])
    await timers.advance(1)
    const report = await done
    expect(order).toEqual(['next'])
    expect(report.hooks[0]?.status).toBe('timeout')
    expect(MegaError.is(report.hooks[0]?.error, 'MEGA_SHUTDOWN_HOOK_TIMEOUT')).toBe(true)
    expect(proc.exitCodes).toEqual([1])
  })

  it('exits 124 when the whole shutdown exceeds the hard-kill bound, skipping the hooks left', async () => {
    shutdown.setupSignals({ gracePeriodMs: 500, hardKillMs: 700, globalErrorHandlers: false })
    const order: string[] = []
    shutdown.register('never-reached', recordingHook(order, 'never-reached'))
    shutdown.register('hang-2', never)
    shutdown.register('hang-1', never)
    const done = shutdown.now()
    await timers.advance(700)
    const report = await done
    expect(report).toMatchObject({ outcome: 'hard-kill', exitCode: SHUTDOWN_EXIT_CODES.hardKill })
    expect(report.hooks.map((h) => h.name)).toEqual(['hang-1'])
    expect(proc.exitCodes).toEqual([124])
    await timers.advance(1000)
    expect(order).toEqual([])
    expect(proc.exitCodes).toEqual([124])
  })

  it('leaves no timer behind once it completes', async () => {
    shutdown.register('a', () => Promise.resolve())
    await shutdown.now()
    expect(timers.pending()).toBe(0)
  })

  it('runs hooks once when called twice, returning the same promise', async () => {
    const hook = vi.fn()
    shutdown.register('a', hook)
    const first = shutdown.now()
    const second = shutdown.now({ exitCode: 5 })
    expect(second).toBe(first)
    await first
    expect(hook).toHaveBeenCalledTimes(1)
    expect(proc.exitCodes).toEqual([0])
  })

  it('reports shutting down from the first call', () => {
    expect(shutdown.isShuttingDown()).toBe(false)
    void shutdown.now()
    expect(shutdown.isShuttingDown()).toBe(true)
  })

  it('rejects an exit code outside 0..255 with MEGA_CONFIG_INVALID', () => {
    expect(() => shutdown.now({ exitCode: 256 })).toThrowError(
      expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }),
    )
    expect(shutdown.isShuttingDown()).toBe(false)
  })
})

describe('setupSignals', () => {
  it('listens to SIGTERM and SIGINT and installs the global error handlers by default', () => {
    shutdown.setupSignals()
    expect(proc.eventNames().sort()).toEqual([
      'SIGINT',
      'SIGTERM',
      'uncaughtException',
      'unhandledRejection',
    ])
  })

  it('is idempotent: a second call adds no listener and keeps the first options', async () => {
    shutdown.setupSignals({ signals: ['SIGTERM'], gracePeriodMs: 50, globalErrorHandlers: false })
    shutdown.setupSignals({ signals: ['SIGHUP'], gracePeriodMs: 5000 })
    expect(proc.eventNames()).toEqual(['SIGTERM'])
    expect(proc.listenerCount('SIGTERM')).toBe(1)
    shutdown.register('hang', never)
    const done = shutdown.now()
    await timers.advance(50)
    await expect(done).resolves.toMatchObject({ exitCode: 1 })
  })

  it('starts a graceful shutdown with exit code 0 on a signal', async () => {
    shutdown.setupSignals({ signals: ['SIGUSR2'] })
    const hook = vi.fn()
    shutdown.register('a', hook)
    proc.emit('SIGUSR2', 'SIGUSR2')
    await timers.flush()
    expect(hook).toHaveBeenCalledWith({ signal: 'SIGUSR2' })
    expect(proc.exitCodes).toEqual([0])
  })

  it('exits at once with 130 on a second signal during shutdown', async () => {
    shutdown.setupSignals()
    shutdown.register('hang', never)
    proc.emit('SIGTERM', 'SIGTERM')
    await timers.flush()
    expect(proc.exitCodes).toEqual([])
    proc.emit('SIGINT', 'SIGINT')
    expect(proc.exitCodes).toEqual([SHUTDOWN_EXIT_CODES.forced])
    expect(logger.fatal).toHaveBeenCalledWith(
      { signal: 'SIGINT' },
      'second SIGINT during shutdown: exiting now',
    )
    expect(timers.pending()).toBe(1) // only the abandoned hook's grace timer remains
  })

  it('rejects invalid options with every problem listed, installing nothing', () => {
    const act = () =>
      shutdown.setupSignals({
        gracePeriodMs: 0,
        hardKillMs: 1.5,
        signals: [],
        extra: true,
      } as never)
    expect(act).toThrowError(expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }))
    try {
      act()
    } catch (err) {
      expect((err as MegaError).issues?.map((i) => i.path).sort()).toEqual([
        'setupSignals options',
        'setupSignals options.gracePeriodMs',
        'setupSignals options.hardKillMs',
        'setupSignals options.signals',
      ])
    }
    expect(proc.eventNames()).toEqual([])
  })
})

describe('setupGlobalErrorHandlers', () => {
  it('logs an unhandled non-Error rejection at fatal as "unhandledRejection: ..." and exits 1 after hooks', async () => {
    shutdown.setupGlobalErrorHandlers()
    const hook = vi.fn()
    shutdown.register('a', hook)
    proc.emit('unhandledRejection', 'boom')
    await timers.flush()
    const [fields, message] = logger.fatal.mock.calls[0] as [{ err: Error }, string]
    expect(fields.err).toBeInstanceOf(Error)
    expect(fields.err.message).toBe('unhandledRejection: boom')
    expect(message).toBe('unhandled promise rejection: shutting down')
    expect(hook).toHaveBeenCalledWith({ signal: 'unhandledRejection' })
    expect(proc.exitCodes).toEqual([1])
  })

  it('logs an Error reason as it is', async () => {
    shutdown.setupGlobalErrorHandlers()
    const reason = new Error('db down')
    proc.emit('unhandledRejection', reason)
    await timers.flush()
    expect(logger.fatal.mock.calls[0]?.[0]).toEqual({ err: reason })
  })

  it('logs an uncaught exception with its origin and exits with the configured code', async () => {
    shutdown.setupGlobalErrorHandlers({ exitCode: 7 })
    const err = new Error('kaboom')
    proc.emit('uncaughtException', err, 'uncaughtException')
    await timers.flush()
    expect(logger.fatal).toHaveBeenCalledWith(
      { err, origin: 'uncaughtException' },
      'uncaught exception: shutting down',
    )
    expect(proc.exitCodes).toEqual([7])
  })

  it('is idempotent', () => {
    shutdown.setupGlobalErrorHandlers()
    shutdown.setupGlobalErrorHandlers({ exitCode: 3 })
    shutdown.setupSignals()
    expect(proc.listenerCount('unhandledRejection')).toBe(1)
    expect(proc.listenerCount('uncaughtException')).toBe(1)
  })
})

describe('logging', () => {
  afterEach(() => {
    delete (globalThis as { logger?: unknown }).logger
    vi.restoreAllMocks()
  })

  it('never logs through a globalThis.logger: only the injected logger or the console', async () => {
    const global = fakeLogger()
    ;(globalThis as { logger?: unknown }).logger = global
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    const bare = createShutdown({ process: proc, timers })
    bare.setupGlobalErrorHandlers()
    proc.emit('unhandledRejection', 42)
    await timers.flush()
    expect(global.fatal).not.toHaveBeenCalled()
    expect(consoleError).toHaveBeenCalledWith(
      '[mega-shutdown] unhandled promise rejection: shutting down',
      { err: expect.any(Error) },
    )
    bare._reset()
  })

  it('falls back to console.error with the [mega-shutdown] prefix', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    const bare = createShutdown({ process: proc, timers })
    await bare.now({ signal: 'test' })
    expect(consoleError).toHaveBeenCalledWith('[mega-shutdown] shutting down (test)', {
      signal: 'test',
      hooks: 0,
    })
  })

  it('still shuts down when the logger throws', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    logger.info.mockImplementation(() => {
      throw new Error('transport closed')
    })
    await shutdown.now()
    expect(proc.exitCodes).toEqual([0])
  })
})

describe('_reset', () => {
  it('removes its listeners, clears hooks and flags, and restores the default timings', async () => {
    shutdown.setupSignals({ gracePeriodMs: 10, hardKillMs: 20 })
    shutdown.register('a', () => {})
    void shutdown.now()
    shutdown._reset()
    expect(proc.eventNames()).toEqual([])
    expect(shutdown.registeredCount()).toBe(0)
    expect(shutdown.isShuttingDown()).toBe(false)
    shutdown.setupSignals()
    expect(proc.listenerCount('SIGTERM')).toBe(1)
    shutdown.register('hang', never)
    const done = shutdown.now()
    await timers.advance(DEFAULT_GRACE_PERIOD_MS - 1)
    expect(proc.exitCodes).toEqual([])
    await timers.advance(1)
    await expect(done).resolves.toMatchObject({ outcome: 'completed', exitCode: 1 })
    expect(DEFAULT_HARD_KILL_MS).toBe(60_000)
  })

  it('keeps listeners it did not install', () => {
    const foreign = () => {}
    proc.on('SIGTERM', foreign)
    shutdown.setupSignals()
    shutdown._reset()
    expect(proc.listeners('SIGTERM')).toEqual([foreign])
  })
})

describe('MegaShutdown', () => {
  it('is a process-wide coordinator that has not started', () => {
    expect(MegaShutdown).toBeInstanceOf(ShutdownCoordinator)
    expect(MegaShutdown.isShuttingDown()).toBe(false)
  })
})
