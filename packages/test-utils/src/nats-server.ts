import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { disposeAfterTest, tempDir } from './disposable.js'
import { freePort } from './free-port.js'

/** Where the `nats-server` binary is: `MEGA_TEST_NATS_SERVER_BIN`, else Debian's path. */
export function natsServerBin(env: NodeJS.ProcessEnv = process.env): string {
  return env.MEGA_TEST_NATS_SERVER_BIN || '/usr/sbin/nats-server'
}

/**
 * Whether a test may start its own `nats-server`: the binary exists, or CI requires it
 * (`MEGA_REQUIRE_SERVICES=1`, then a missing binary fails the test that starts it). Otherwise one
 * loud line names what is skipped, like `requireService`.
 *
 * @example
 * describe.runIf(canStartNatsServer('the NATS outage tests'))('outage', () => { ... })
 */
export function canStartNatsServer(
  what: string,
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
): boolean {
  const bin = natsServerBin(env)
  if (existsSync(bin) || env.MEGA_REQUIRE_SERVICES === '1') return true
  warn(`!!! SKIPPING ${what}: no nats-server at ${bin} !!!`)
  return false
}

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /** Turn JetStream on (`-js`), storing in `dir`. @default false */
  readonly jetstream?: boolean
  /** @default a free port */
  readonly port?: number
  /** The working and JetStream store directory. @default a fresh temporary directory */
  readonly dir?: string
}

/** A private `nats-server` of one test (see {@link startNatsServer}). */
export interface PrivateNatsServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** Its working directory (and JetStream store). */
  readonly dir: string
  /** Whether the process runs now. */
  readonly running: boolean
  /** Ends the process (SIGKILL by default: a crash) and resolves once it has exited. Idempotent. */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same port and store directory; resolves once it accepts clients. */
  start(): Promise<void>
  /** `stop(signal)` then `start()`. */
  restart(signal?: NodeJS.Signals): Promise<void>
}

function spawnNats(bin: string, args: readonly string[], dir: string): Promise<ChildProcess> {
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (output.includes('Server is ready')) resolve(child)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`nats-server exited ${code}:\n${output}`)))
  })
}

async function endProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  await exited
}

/**
 * Starts a private `nats-server` for the current test on its own port and directory (never the
 * shared one on 4222), and stops it when the test ends, pass or fail. A test that kills and restarts
 * NATS uses this one, so it disturbs no other suite.
 *
 * @example
 * const nats = await startNatsServer({ jetstream: true })
 * await nats.restart() // SIGKILL, then the same port and store again
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<PrivateNatsServer> {
  const port = options.port ?? (await freePort())
  const dir = options.dir ?? (await tempDir('mega-nats-'))
  const args = ['-a', '127.0.0.1', '-p', String(port)]
  if (options.jetstream === true) args.push('-js', '-sd', dir)
  const bin = natsServerBin()
  let child = await spawnNats(bin, args, dir)
  disposeAfterTest(() => endProcess(child, 'SIGKILL'))
  const server: PrivateNatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    dir,
    get running() {
      return child.exitCode === null && child.signalCode === null
    },
    stop: (signal = 'SIGKILL') => endProcess(child, signal),
    async start() {
      if (server.running) return
      child = await spawnNats(bin, args, dir)
    },
    async restart(signal) {
      await server.stop(signal)
      await server.start()
    },
  }
  return server
}
