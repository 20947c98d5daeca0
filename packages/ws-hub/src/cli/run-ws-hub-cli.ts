import { MegaError, MegaShutdown, type ShutdownCoordinator } from '@mega/observe'
import type { MegaWsHub } from '../mega-ws-hub.js'
import { resolveHubConfig } from '../hub-options.js'
import { hubCliHelp, parseHubCli } from './hub-cli-options.js'

/** Options of {@link runWsHubCli}: the process seams, real by default. */
export interface RunWsHubCliOptions {
  /** The arguments after the command. @default process.argv.slice(2) */
  readonly argv?: readonly string[]
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv
  /** The project root (given by `mega hub`; the hub reads no project file). @default process.cwd() */
  readonly root?: string
  /** Where help goes. @default process.stdout */
  readonly stdout?: { write(text: string): unknown }
  /** Where errors go. @default process.stderr */
  readonly stderr?: { write(text: string): unknown }
  /** The coordinator `hub.close()` is registered with. @default MegaShutdown */
  readonly shutdown?: ShutdownCoordinator
  /** Install SIGTERM/SIGINT handlers that drain and stop the hub. @default true */
  readonly signals?: boolean
  /** Receives the started hub (tests). */
  readonly onStarted?: (hub: MegaWsHub) => void
}

/** Exit codes of {@link runWsHubCli}. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const

/**
 * The `mega-ws-hub` command (and `mega hub`): reads flags and environment, starts a
 * {@link MegaWsHub}, drains and stops it on SIGTERM/SIGINT. Resolves the exit code: 0 once the hub
 * is serving (the process then lives until a signal) or after `--help`, 2 for a bad flag or option,
 * 1 when the hub cannot start (a port in use).
 *
 * @example
 * // bin/mega-ws-hub.js
 * process.exitCode = await runWsHubCli()
 */
export async function runWsHubCli(options: RunWsHubCliOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  let hub: MegaWsHub
  try {
    const request = parseHubCli(options.argv ?? process.argv.slice(2), options.env ?? process.env)
    if (request.help) {
      stdout.write(hubCliHelp())
      return EXIT.ok
    }
    resolveHubConfig(request.config) // a bad value exits 2 before the server code is even loaded
    // Loaded only to serve: --help and a bad flag answer without loading Fastify and OpenTelemetry.
    const { MegaWsHub } = await import('../mega-ws-hub.js')
    hub = new MegaWsHub(request.config)
  } catch (err) {
    if (!MegaError.is(err)) throw err
    stderr.write(`mega-ws-hub: ${err.message}\n`)
    return EXIT.usage
  }
  try {
    await hub.start()
  } catch (err) {
    stderr.write(`mega-ws-hub: could not start: ${(err as Error).message}\n`)
    await hub.close()
    return EXIT.failed
  }
  const shutdown = options.shutdown ?? MegaShutdown
  shutdown.register('mega-ws-hub', () => hub.close())
  if (options.signals ?? true) shutdown.setupSignals()
  options.onStarted?.(hub)
  return EXIT.ok
}
