import repl from 'node:repl'
import type { MegaConfig, MegaRuntime } from '@mega/core'
import {
  MegaShutdown,
  createLogger,
  type SetupSignalsOptions,
  type ShutdownCoordinator,
} from '@mega/observe'
import type { CliIo } from '../io.js'
import { findProjectRoot, projectBoot, type BootFn } from '../internal/project.js'
import type { ParsedArgs } from '../options.js'
import { openSandbox, type Sandbox } from '../internal/sandbox.js'

/** How a REPL evaluates one input (`node:repl`'s `eval`). */
export type ReplEval = (
  code: string,
  context: object,
  file: string,
  done: (err: Error | null, result?: unknown) => void,
) => void

/** The slice of a Node REPL server the console uses. */
export interface ReplLike {
  readonly context: Record<string, unknown>
  /** Evaluates each input; `--sandbox` wraps it so the input runs in the sandbox transaction. */
  eval: ReplEval
  on(event: 'exit', listener: () => void): unknown
}

/** Builds the REPL; `defaultReplFactory` starts `node:repl` on the terminal. */
export type ReplFactory = (options: { readonly prompt: string }) => ReplLike

/** The real REPL on stdin/stdout, with its own Ctrl-C handling (first clears, second exits). */
export const defaultReplFactory: ReplFactory = ({ prompt }) =>
  repl.start({ prompt, useGlobal: false, breakEvalOnSigint: true })

/** Injected dependencies of {@link startConsole} (seed-facts §9.2); each has a real default. */
export interface ConsoleDeps {
  /** Prints a line. @default stdout */
  readonly out?: (msg: string) => void
  /** Graceful shutdown when the REPL exits. @default coordinator.now() */
  readonly shutdown?: () => Promise<unknown>
  /** Installs the signal handlers. @default coordinator.setupSignals */
  readonly setupSignals?: (options: SetupSignalsOptions) => void
  readonly replFactory?: ReplFactory
  /** The coordinator the runtime registers its close with. @default MegaShutdown */
  readonly coordinator?: ShutdownCoordinator
  /** @default the project's own `@mega/core` boot */
  readonly boot?: BootFn
}

/** The console's context object: the first app's scope, every app, and shortcuts. */
export interface ConsoleContext {
  readonly runtime: MegaRuntime
  readonly app: MegaRuntime['server']['apps'][number]['scope']
  readonly apps: Readonly<Record<string, MegaRuntime['server']['apps'][number]['scope']>>
  readonly services: Readonly<Record<string, unknown>>
  readonly db: <T = unknown>(alias?: string) => T
  readonly cache: <T = unknown>(alias?: string) => T
  readonly inject: MegaRuntime['server']['inject']
  readonly log: MegaRuntime['log']
}

/** What {@link startConsole} returns. */
export interface ConsoleSession {
  readonly ctx: ConsoleContext
  readonly config: MegaConfig
  readonly server: { readonly context: Record<string, unknown> }
  /** With `sandbox`: the aliases whose changes are rolled back on exit. */
  readonly sandboxed: readonly string[]
}

/** Options of {@link startConsole}. */
export interface ConsoleOptions {
  readonly root: string
  /**
   * Hold every SQL `db` adapter's work in a transaction that is rolled back when the console exits
   * (like `rails console --sandbox`). Needs a SQL db adapter (`MEGA_CLI_NO_DATABASE` otherwise).
   * @default false
   */
  readonly sandbox?: boolean
}

/** The `ctx` of the console and of `mega run` scripts: the first app's scope, every app, shortcuts. */
export function buildConsoleContext(runtime: MegaRuntime): ConsoleContext {
  const scopes = runtime.server.apps.map((a) => a.scope)
  const app = scopes[0]!
  return {
    runtime,
    app,
    apps: Object.fromEntries(scopes.map((s) => [s.name, s])),
    services: app.services,
    db: <T>(alias = 'db') => app.adapter<T>(alias),
    cache: <T>(alias = 'cache') => app.adapter<T>(alias),
    inject: (options) => runtime.server.inject(options),
    log: runtime.log,
  }
}

/**
 * Boots the app (not listening) and opens a REPL whose context holds `ctx`, `config` and
 * `mega: { config, host }`. Only SIGTERM triggers graceful shutdown (SIGINT belongs to the REPL:
 * ADR-167), global error handlers stay off so a mistake typed at the prompt never ends the process
 * (ADR-178), and leaving the REPL (`.exit`, Ctrl-D, double Ctrl-C) runs graceful shutdown so every
 * adapter is closed.
 *
 * @example
 * const session = await startConsole({ root: process.cwd() })
 */
export async function startConsole(
  options: ConsoleOptions,
  deps: ConsoleDeps = {},
): Promise<ConsoleSession> {
  const coordinator = deps.coordinator ?? MegaShutdown
  const out = deps.out ?? ((msg: string) => void process.stdout.write(`${msg}\n`))
  const shutdown = deps.shutdown ?? (() => coordinator.now({ signal: 'console-exit', exitCode: 0 }))
  const setupSignals = deps.setupSignals ?? ((o) => coordinator.setupSignals(o))
  const runtime = await (deps.boot ?? (await projectBoot(options.root)))({
    root: options.root,
    listen: false,
    typescript: true,
    shutdown: coordinator,
    logger: createLogger({ level: 'warn' }),
  })
  const sandbox = options.sandbox === true ? await openConsoleSandbox(runtime) : undefined
  if (sandbox !== undefined) coordinator.register('mega:console-sandbox', () => sandbox.rollback())
  setupSignals({ signals: ['SIGTERM'], globalErrorHandlers: false })
  const ctx = buildConsoleContext(runtime)
  const { config } = runtime
  out(
    `${config.name}: ctx, config and mega are ready (ctx.services, ctx.db(), ctx.inject('/')). .exit to leave.`,
  )
  if (sandbox !== undefined)
    out(`sandbox: changes to ${sandbox.aliases.join(', ')} are rolled back when you leave.`)
  const server = (deps.replFactory ?? defaultReplFactory)({ prompt: `${config.name}> ` })
  Object.assign(server.context, { ctx, config, mega: { config, host: runtime.server } })
  // One input after another: lines piped in (or pasted) each wait for the previous one's result,
  // awaited promises included, and leaving waits for the last, so `.exit` never drops a write.
  const evaluate = server.eval.bind(server)
  const within: <R>(fn: () => R) => R =
    sandbox === undefined ? (fn) => fn() : (fn) => sandbox.run(fn)
  let pending = Promise.resolve()
  server.eval = (code, context, file, done) => {
    pending = pending.then(
      () =>
        new Promise<void>((settled) => {
          try {
            within(() =>
              evaluate(code, context, file, (err, result) => {
                settled()
                done(err, result)
              }),
            )
          } catch (err) {
            settled()
            done(err as Error)
          }
        }),
    )
  }
  server.on('exit', () => void pending.then(shutdown))
  return {
    ctx,
    config,
    server: { context: server.context },
    sandboxed: sandbox?.aliases ?? [],
  }
}

/** Opens the sandbox; a failure closes the booted app first, so no connection is left open. */
async function openConsoleSandbox(runtime: MegaRuntime): Promise<Sandbox> {
  try {
    return await openSandbox(runtime.adapters.adapters)
  } catch (err) {
    await runtime.close()
    throw err
  }
}

/** `mega console [--sandbox]`. */
export async function consoleCommand(parsed: ParsedArgs<'console'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'console')
  await startConsole(
    { root, sandbox: parsed.options.sandbox },
    { out: (msg) => io.stdout(`${msg}\n`) },
  )
  return 0
}
