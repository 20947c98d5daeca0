import { describe, expect, it } from 'vitest'
import { expectMegaError } from '@mega/test-utils'
import { DEFAULT_HEARTBEAT_MS, MegaWsHub } from '../src/index.js'
import { TOKEN_A, startHub } from './helpers/hub-harness.js'

describe('MegaWsHub options', () => {
  it('refuses bad options with one coded error listing every issue', () => {
    const err = expectMegaError(
      () => new MegaWsHub({ tokens: ['short'], heartbeatMs: 0, port: 70_000 }),
      'MEGA_WS_HUB_OPTIONS_INVALID',
    )
    expect(err.issues?.map((i) => i.path)).toEqual(['tokens.0', 'port', 'heartbeatMs'])
  })

  it('refuses no token and unknown options', () => {
    expectMegaError(() => new MegaWsHub({ tokens: [] }), 'MEGA_WS_HUB_OPTIONS_INVALID')
    expectMegaError(
      () => new MegaWsHub({ tokens: [TOKEN_A], colour: 'red' } as never),
      'MEGA_WS_HUB_OPTIONS_INVALID',
    )
  })

  it('tells bridges DEFAULT_HEARTBEAT_MS by default', () => {
    expect(DEFAULT_HEARTBEAT_MS).toBe(10_000)
  })

  it('starts once', async () => {
    const { hub } = await startHub()
    await expect(hub.start()).rejects.toMatchObject({ code: 'MEGA_WS_HUB_STATE_INVALID' })
  })
})
