import { createShutdown } from '@mega/observe'
import { describe, expect, it, vi } from 'vitest'
import { startConsole, type ReplLike } from '../src/commands/console-command.js'

const fixture = new URL('./fixtures/app', import.meta.url).pathname

function fakeRepl() {
  const listeners: (() => void)[] = []
  const repl: ReplLike & { exit(): void } = {
    context: {},
    on: (_event, listener) => listeners.push(listener),
    exit: () => listeners.forEach((l) => l()),
  }
  return repl
}

describe('mega console', () => {
  it('opens a REPL with ctx, config and mega; SIGTERM only; exit runs shutdown', async () => {
    const repl = fakeRepl()
    const coordinator = createShutdown({
      process: { on: () => undefined, removeListener: () => undefined, exit: () => undefined },
    })
    const shutdown = vi.fn(() => coordinator.now({ signal: 'console-exit', exitCode: 0 }))
    const setupSignals = vi.fn()
    const lines: string[] = []
    const session = await startConsole(
      { root: fixture },
      { out: (l) => lines.push(l), shutdown, setupSignals, replFactory: () => repl, coordinator },
    )
    expect(setupSignals).toHaveBeenCalledWith({ signals: ['SIGTERM'], globalErrorHandlers: false })
    expect(Object.keys(repl.context).sort()).toEqual(['config', 'ctx', 'mega'])
    expect(repl.context.config).toBe(session.config)
    expect(repl.context.mega).toMatchObject({ config: session.config })
    expect(session.server.context).toBe(repl.context)
    expect(session.config.name).toBe('fixture')
    expect(lines[0]).toContain('ctx, config and mega are ready')
    expect((await session.ctx.inject('/')).json().data).toEqual({ hello: 'fixture' })
    expect(session.ctx.cache()).toBeDefined()
    expect(shutdown).not.toHaveBeenCalled()
    repl.exit()
    expect(shutdown).toHaveBeenCalledOnce()
    const report = await shutdown.mock.results[0]!.value
    expect(report.hooks).toEqual([{ name: 'mega:fixture', status: 'ok' }])
  })
})
