import { describe, expect, it } from 'vitest'
import { canStartNatsServer, natsServerBin } from '../src/index.js'

describe('canStartNatsServer', () => {
  const missing = { MEGA_TEST_NATS_SERVER_BIN: '/nonexistent/nats-server' }

  it('takes the binary from MEGA_TEST_NATS_SERVER_BIN, else Debian’s path', () => {
    expect(natsServerBin({})).toBe('/usr/sbin/nats-server')
    expect(natsServerBin(missing)).toBe('/nonexistent/nats-server')
  })

  it('skips with one loud line when the binary is missing', () => {
    const lines: string[] = []
    expect(canStartNatsServer('the outage tests', missing, (l) => lines.push(l))).toBe(false)
    expect(lines).toEqual([
      '!!! SKIPPING the outage tests: no nats-server at /nonexistent/nats-server !!!',
    ])
  })

  it('does not skip when CI requires services: starting then fails loudly', () => {
    const lines: string[] = []
    const env = { ...missing, MEGA_REQUIRE_SERVICES: '1' }
    expect(canStartNatsServer('the outage tests', env, (l) => lines.push(l))).toBe(true)
    expect(lines).toEqual([])
  })
})
