import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { HUB_CLOSE_CODES } from '@mega/ws/hub-protocol'
import { startServer, userShellEnv } from '@mega/test-utils'
import { TOKEN_A, TOKEN_B, TestBridge } from './helpers/hub-harness.js'

// The bin a user runs (`npx @mega/ws-hub`): it imports the built dist, as an installed package does.
const bin = new URL('../bin/mega-ws-hub.js', import.meta.url).pathname
const cwd = new URL('..', import.meta.url).pathname

function runBin(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    cwd,
    env: userShellEnv(env),
    encoding: 'utf8',
    timeout: 20_000,
  })
}

async function waitFor(check: () => boolean, what: () => string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25))
  if (!check()) throw new Error(`timed out waiting; output:\n${what()}`)
}

describe('mega-ws-hub bin', () => {
  it('--help lists every flag with its environment variable and exits 0', () => {
    const result = runBin(['--help'])
    expect(result.status).toBe(0)
    for (const text of [
      'Usage: mega-ws-hub',
      '--port <n>',
      '--host <addr>',
      '--token <secret>',
      '--admin-token <secret>',
      '--heartbeat-ms <ms>',
      'MEGA_HUB_PORT',
      'MEGA_HUB_TOKENS',
      'MEGA_HUB_ADMIN_TOKEN',
      'MEGA_HUB_HEARTBEAT_MS',
    ])
      expect(result.stdout).toContain(text)
  })

  it('names a bad flag, says where help is, and exits 2', () => {
    const unknown = runBin(['--prot', '7070', '--token', TOKEN_A])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain("Unknown option '--prot'")
    expect(unknown.stderr).toContain('mega-ws-hub --help')
    const port = runBin(['--port', 'abc', '--token', TOKEN_A])
    expect(port.status).toBe(2)
    expect(port.stderr).toContain('--port (MEGA_HUB_PORT) must be a whole number, got "abc"')
  })

  it('exits 2 without a token, for a short token and for a bad log level', () => {
    const noToken = runBin(['--port', '0'])
    expect(noToken.status).toBe(2)
    expect(noToken.stderr).toContain('MEGA_HUB_TOKENS')
    const shortToken = runBin(['--port', '0', '--token', 'short'])
    expect(shortToken.status).toBe(2)
    expect(shortToken.stderr).toContain('tokens.0: at least 16 characters')
    const level = runBin(['--token', TOKEN_A], { MEGA_HUB_LOG_LEVEL: 'loud' })
    expect(level.status).toBe(2)
    expect(level.stderr).toContain('--log-level (MEGA_HUB_LOG_LEVEL) must be one of')
  })

  it('starts from the environment, logs one line per bridge joining and leaving, drains on SIGTERM and exits 0', async () => {
    const server = await startServer(process.execPath, [bin], {
      cwd,
      env: userShellEnv({
        MEGA_HUB_PORT: '0',
        MEGA_HUB_HOST: '127.0.0.1',
        MEGA_HUB_TOKENS: `${TOKEN_A}, ${TOKEN_B}`,
      }),
    })
    try {
      const wsUrl = `${server.url.replace(/^http/, 'ws')}/hub`
      const first = new TestBridge(wsUrl)
      await first.opened
      first.send('register', {
        instanceId: 'bridge-one',
        token: TOKEN_B,
        capabilities: [],
        protocolVersion: 1,
      })
      await first.next('register_ok')
      await waitFor(
        () => server.output().includes('"msg":"bridge joined"'),
        () => server.output(),
      )
      const joined = server
        .output()
        .split('\n')
        .filter((l) => l.includes('"msg":"bridge joined"'))
      expect(joined).toHaveLength(1)
      expect(JSON.parse(joined[0]!)).toMatchObject({ instanceId: 'bridge-one', protocolVersion: 1 })
      const second = new TestBridge(wsUrl)
      await second.opened
      second.send('register', { instanceId: 'bridge-two', token: TOKEN_A, capabilities: [] })
      await second.next('register_ok')
      second.socket.close(1000, 'bye')
      await waitFor(
        () => server.output().includes('"msg":"bridge left"'),
        () => server.output(),
      )
      const left = server
        .output()
        .split('\n')
        .filter((l) => l.includes('"msg":"bridge left"'))
      expect(JSON.parse(left[0]!)).toMatchObject({
        instanceId: 'bridge-two',
        code: 1000,
        reason: 'bye',
      })
      expect(await server.stop()).toBe(0)
      expect((await first.closed).code).toBe(HUB_CLOSE_CODES.DRAIN)
    } finally {
      await server.kill('SIGKILL')
    }
  })
})
