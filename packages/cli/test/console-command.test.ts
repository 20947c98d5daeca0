import { join } from 'node:path'
import repl from 'node:repl'
import { PassThrough } from 'node:stream'
import { createShutdown } from '@mega/observe'
import { tempDir } from '@mega/test-utils'
import type { SqlDbAdapter } from '@mega/db'
import { describe, expect, it, vi } from 'vitest'
import { startConsole, type ReplEval, type ReplLike } from '../src/commands/console-command.js'
import { dbProject } from './helpers/db-project.js'

const fixture = new URL('./fixtures/app', import.meta.url).pathname

/** A REPL without a terminal: `type(fn)` evaluates like an input line would, through `eval`. */
function fakeRepl() {
  const listeners: (() => void)[] = []
  const inputs = new Map<string, () => Promise<unknown>>()
  const evaluate: ReplEval = (code, _context, _file, done) => {
    inputs.get(code)!().then(
      (result) => done(null, result),
      (err: Error) => done(err),
    )
  }
  const repl: ReplLike & { exit(): void; type(fn: () => Promise<unknown>): Promise<unknown> } = {
    context: {},
    eval: evaluate,
    on: (_event, listener) => listeners.push(listener),
    exit: () => listeners.forEach((l) => l()),
    type: (fn) => {
      const code = `input${inputs.size}`
      inputs.set(code, fn)
      return new Promise((resolve, reject) =>
        repl.eval(code, repl.context, 'repl', (err, result) =>
          err === null ? resolve(result) : reject(err),
        ),
      )
    },
  }
  return repl
}

function quietCoordinator() {
  return createShutdown({
    process: { on: () => undefined, removeListener: () => undefined, exit: () => undefined },
  })
}

type Notes = { notes: { text: string } }

/** A console on `root` (sandboxed or not), with shortcuts to write and count notes through it. */
async function notesConsole(root: string, sandbox: boolean) {
  const repl = fakeRepl()
  const coordinator = quietCoordinator()
  const lines: string[] = []
  const session = await startConsole(
    { root, sandbox },
    {
      out: (l) => lines.push(l),
      setupSignals: () => undefined,
      replFactory: () => repl,
      coordinator,
    },
  )
  const db = () => session.ctx.db<SqlDbAdapter>().kysely<Notes>()
  const count = async () => (await db().selectFrom('notes').selectAll().execute()).length
  const insert = () => db().insertInto('notes').values({ text: 'typed' }).execute()
  const exit = () => coordinator.now({ signal: 'console-exit', exitCode: 0 })
  return { repl, session, lines, count, insert, exit, db }
}

/** A SQLite project whose database has a `notes` table (as its migrations would have made it). */
async function notesProject() {
  const dir = await tempDir('mega-console-')
  const root = await dbProject({ db: { driver: 'sqlite', filename: join(dir, 'notes.sqlite') } })
  const setup = await notesConsole(root, false)
  await setup.db().schema.createTable('notes').addColumn('text', 'text').execute()
  await setup.exit()
  return root
}

describe('mega console', () => {
  it('opens a REPL with ctx, config and mega; SIGTERM only; exit runs shutdown', async () => {
    const repl = fakeRepl()
    const coordinator = quietCoordinator()
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
    await vi.waitFor(() => expect(shutdown).toHaveBeenCalledOnce())
    const report = await shutdown.mock.results[0]!.value
    expect(report.hooks).toEqual([{ name: 'mega:fixture', status: 'ok' }])
  })

  it('evaluates piped lines one after another, awaits included, and exits after the last', async () => {
    const input = new PassThrough()
    const output = new PassThrough()
    output.resume()
    const coordinator = quietCoordinator()
    const events: string[] = []
    const shutdown = vi.fn(async () => {
      events.push('shutdown')
      return coordinator.now({ signal: 'console-exit', exitCode: 0 })
    })
    const session = await startConsole(
      { root: fixture },
      {
        out: () => undefined,
        shutdown,
        setupSignals: () => undefined,
        coordinator,
        replFactory: ({ prompt }) =>
          repl.start({ prompt, input, output, terminal: false, useGlobal: false }),
      },
    )
    session.server.context.events = events
    // Written at once, as a pipe delivers them: the slow first line must still finish first.
    input.write(
      [
        'await new Promise((r) => setTimeout(r, 100)); events.push("slow")',
        'events.push("fast")',
        'await ctx.inject("/").then((r) => events.push(r.json().data.hello))',
        '.exit',
        '',
      ].join('\n'),
    )
    await vi.waitFor(() => expect(shutdown).toHaveBeenCalledOnce())
    expect(events).toEqual(['slow', 'fast', 'fixture', 'shutdown'])
  })

  it('--sandbox: what the session writes is visible in it and rolled back when it exits', async () => {
    const root = await notesProject()
    const c = await notesConsole(root, true)
    expect(c.session.sandboxed).toEqual(['db'])
    expect(c.lines[1]).toBe('sandbox: changes to db are rolled back when you leave.')
    await c.repl.type(c.insert)
    await c.repl.type(c.insert)
    expect(await c.repl.type(c.count)).toBe(2) // the session sees its own writes
    const report = await c.exit()
    expect(report.hooks.map((h) => h.name)).toEqual(['mega:console-sandbox', 'mega:dbapp'])
    expect(report.hooks.every((h) => h.status === 'ok')).toBe(true)

    const after = await notesConsole(root, false)
    expect(await after.count()).toBe(0)
    await after.insert() // and without --sandbox the same write is kept
    await after.exit()
    const again = await notesConsole(root, false)
    expect(await again.count()).toBe(1)
    await again.exit()
  })

  it('--sandbox without a SQL database says so and leaves nothing open', async () => {
    const coordinator = quietCoordinator()
    await expect(
      startConsole(
        { root: fixture, sandbox: true },
        { setupSignals: () => undefined, replFactory: () => fakeRepl(), coordinator },
      ),
    ).rejects.toMatchObject({ code: 'MEGA_CLI_NO_DATABASE' })
    expect(coordinator.registeredCount()).toBe(0)
  })
})
