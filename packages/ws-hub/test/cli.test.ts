import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createShutdown } from '@mega/observe'
import { runWsHubCli, type MegaWsHub } from '../src/index.js'
import { TOKEN_A, TOKEN_B, registeredBridge } from './helpers/hub-harness.js'

function io() {
  let out = ''
  let err = ''
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    out: () => out,
    err: () => err,
  }
}

describe('runWsHubCli', () => {
  it('lets flags win over the environment; --token replaces MEGA_HUB_TOKENS', async () => {
    const streams = io()
    let hub: MegaWsHub | undefined
    const code = await runWsHubCli({
      argv: ['--port', '0', '--token', TOKEN_B, '--heartbeat-ms', '1500', '--log-level', 'silent'],
      env: { MEGA_HUB_PORT: '1', MEGA_HUB_HOST: '127.0.0.1', MEGA_HUB_TOKENS: TOKEN_A },
      ...streams,
      signals: false,
      shutdown: createShutdown(),
      onStarted: (started) => (hub = started),
    })
    expect(code).toBe(0)
    try {
      const wsUrl = `${hub!.url!.replace(/^http/, 'ws')}/hub`
      const { ok } = await registeredBridge(wsUrl, 'b', { token: TOKEN_B })
      expect(ok.heartbeatMs).toBe(1500)
    } finally {
      await hub?.close()
    }
  })

  it('exits 1 with the reason when the port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    const streams = io()
    try {
      const code = await runWsHubCli({
        argv: ['--port', String(port), '--host', '127.0.0.1', '--token', TOKEN_A],
        env: { MEGA_HUB_LOG_LEVEL: 'error' },
        ...streams,
        signals: false,
        shutdown: createShutdown(),
      })
      expect(code).toBe(1)
      expect(streams.err()).toContain('could not start')
      expect(streams.err()).toContain('EADDRINUSE')
    } finally {
      blocker.close()
    }
  })

  it('exits 2 for an option the hub refuses, naming it', async () => {
    const streams = io()
    const code = await runWsHubCli({
      argv: ['--token', TOKEN_A, '--heartbeat-ms', '1'],
      env: {},
      ...streams,
      signals: false,
    })
    expect(code).toBe(2)
    expect(streams.err()).toContain('heartbeatMs')
  })
})
