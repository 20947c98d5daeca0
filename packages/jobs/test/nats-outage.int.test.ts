import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import type { BusMessage } from '@mega/core'
import { disposeAfterTest, freePort, tempDir } from '@mega/test-utils'
import { NatsBusAdapter } from '../src/index.js'

// This suite never touches the shared server on 4222: it runs its own nats-server on a free port
// and stops only that one.
const NATS_SERVER = process.env.MEGA_TEST_NATS_SERVER_BIN ?? '/usr/sbin/nats-server'
// Like requireService: skipped with one line locally when the binary is missing, required in CI.
const hasServer = existsSync(NATS_SERVER) || process.env.MEGA_REQUIRE_SERVICES === '1'
if (!hasServer)
  process.stderr.write(`!!! SKIPPING the NATS outage tests: no nats-server at ${NATS_SERVER} !!!\n`)

/** Starts nats-server on `port` in `dir`; resolves once it accepts clients. */
function startNats(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port)], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
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

async function stopNats(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

describe.runIf(hasServer)('NatsBusAdapter through a NATS outage (own nats-server)', () => {
  it('reports down while disconnected, reconnects by itself and keeps its subscriptions', async () => {
    const dir = await tempDir()
    const port = await freePort()
    let server = await startNats(port, dir)
    disposeAfterTest(() => stopNats(server))
    const bus = new NatsBusAdapter('bus', {
      url: `nats://127.0.0.1:${port}`,
      reconnectWaitMs: 100,
      connectTimeoutMs: 1000,
    })
    await bus.connect()
    disposeAfterTest(() => bus.disconnect())
    const got: BusMessage[] = []
    await bus.subscribe('outage.>', (m) => void got.push(m))
    expect((await bus.health()).ok).toBe(true)

    await stopNats(server)
    await vi.waitFor(
      async () =>
        expect(await bus.health()).toEqual({
          ok: false,
          error: 'bus (nats): disconnected, reconnecting',
        }),
      { timeout: 10_000, interval: 50 },
    )

    // While the server is gone, publish and subscribe still resolve (what is published then may be
    // lost: the client clears its buffer when it dials again; core NATS is at most once).
    await bus.publish('outage.during', 'buffered')
    const late: BusMessage[] = []
    await bus.subscribe('outage.late', (m) => void late.push(m))

    server = await startNats(port, dir)
    await vi.waitFor(async () => expect((await bus.health()).ok).toBe(true), {
      timeout: 10_000,
      interval: 50,
    })
    await bus.publish('outage.after', 'back')
    await bus.publish('outage.late', 'late')
    await vi.waitFor(
      () => {
        expect(got.map((m) => m.data)).toEqual(expect.arrayContaining(['back', 'late']))
        expect(late).toEqual([{ subject: 'outage.late', data: 'late' }])
      },
      { timeout: 10_000 },
    )
  })

  it('disconnects (closing) even while the server is gone', async () => {
    const dir = await tempDir()
    const port = await freePort()
    const server = await startNats(port, dir)
    disposeAfterTest(() => stopNats(server))
    const bus = new NatsBusAdapter('bus', {
      url: `nats://127.0.0.1:${port}`,
      reconnectWaitMs: 100,
      connectTimeoutMs: 500,
    })
    await bus.connect()
    await stopNats(server)
    await vi.waitFor(async () => expect((await bus.health()).ok).toBe(false), {
      timeout: 10_000,
    })
    await bus.disconnect()
    expect(await bus.health()).toEqual({ ok: false, error: 'bus (nats) is closed' })
  })
})
