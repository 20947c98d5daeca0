import { describe, expect, it } from 'vitest'
import {
  CLOSE_CODE_DRAIN,
  HUB_CLOSE_CODES,
  HUB_MESSAGE_TYPES,
  HUB_PAYLOAD_SCHEMAS,
  HUB_PROTOCOL_VERSION,
  HUB_TYPE_SET,
  SUPPORTED_HUB_PROTOCOL_VERSIONS,
  encodeHubMessage,
  hubCloseAction,
  negotiateHubProtocolVersion,
  parseHubMessage,
} from '../../src/hub/hub-protocol.js'

describe('hub protocol: message types', () => {
  it('has twelve frozen wire types, each with a payload schema', () => {
    expect(Object.isFrozen(HUB_MESSAGE_TYPES)).toBe(true)
    const wire = Object.values(HUB_MESSAGE_TYPES)
    expect(wire).toHaveLength(12)
    expect(new Set(wire).size).toBe(12)
    expect([...HUB_TYPE_SET].sort()).toEqual([...wire].sort())
    expect(Object.keys(HUB_PAYLOAD_SCHEMAS).sort()).toEqual([...wire].sort())
    expect(HUB_MESSAGE_TYPES.REGISTER).toBe('register')
    expect(HUB_MESSAGE_TYPES.REGISTER_OK).toBe('register_ok')
  })
})

describe('negotiateHubProtocolVersion', () => {
  it.each([
    [3, [1], 1],
    [undefined, [1], 1],
    [0, [1], 1],
    [-2, [1, 2], 1],
    [1.5, [1, 2], 1],
    ['2', [1, 2], 1],
    [null, [1, 2], 1],
    [Number.NaN, [1, 2], 1],
    [5, [1, 2], 2],
    [2, [1, 2, 3], 2],
    [1, [1, 2, 3], 1],
  ])('(%s, %j) → %i', (requested, supported, expected) => {
    expect(negotiateHubProtocolVersion(requested, supported)).toBe(expected)
  })

  it('defaults to the supported list, whose newest is HUB_PROTOCOL_VERSION', () => {
    expect(Object.isFrozen(SUPPORTED_HUB_PROTOCOL_VERSIONS)).toBe(true)
    expect(Math.max(...SUPPORTED_HUB_PROTOCOL_VERSIONS)).toBe(HUB_PROTOCOL_VERSION)
    expect(negotiateHubProtocolVersion(99)).toBe(HUB_PROTOCOL_VERSION)
  })
})

describe('close codes', () => {
  it('drains with 4503, the same number clients get on a requeue', () => {
    expect(CLOSE_CODE_DRAIN).toBe(4503)
    expect(HUB_CLOSE_CODES.DRAIN).toBe(4503)
    expect(new Set(Object.values(HUB_CLOSE_CODES)).size).toBe(Object.keys(HUB_CLOSE_CODES).length)
  })

  it('tells a bridge what to do on each code', () => {
    expect(hubCloseAction(HUB_CLOSE_CODES.DRAIN)).toBe('reconnect-now')
    expect(hubCloseAction(HUB_CLOSE_CODES.AUTH_FAILED)).toBe('final')
    expect(hubCloseAction(HUB_CLOSE_CODES.DUPLICATE_INSTANCE)).toBe('final')
    expect(hubCloseAction(HUB_CLOSE_CODES.SHUTDOWN)).toBe('reconnect-backoff')
    expect(hubCloseAction(HUB_CLOSE_CODES.HEARTBEAT_TIMEOUT)).toBe('reconnect-backoff')
    expect(hubCloseAction(HUB_CLOSE_CODES.PROTOCOL_ERROR)).toBe('reconnect-backoff')
    expect(hubCloseAction(1006)).toBe('reconnect-backoff')
  })
})

describe('parseHubMessage', () => {
  const register = { instanceId: 'app-1', token: 't0k', capabilities: ['presence'] }

  it('reads a register frame with and without a version', () => {
    const legacy = parseHubMessage(JSON.stringify({ type: 'register', data: register }))
    expect(legacy).toEqual({ ok: true, message: { type: 'register', data: register } })
    const v2 = parseHubMessage(
      JSON.stringify({ type: 'register', data: { ...register, protocolVersion: 2 } }),
    )
    expect(v2.ok && v2.message.type === 'register' && v2.message.data.protocolVersion).toBe(2)
  })

  it('refuses unknown fields in the payload and in the frame', () => {
    const extra = parseHubMessage(
      JSON.stringify({ type: 'register', data: { ...register, admin: true } }),
    )
    expect(extra).toMatchObject({ ok: false, violation: { code: 'MEGA_WS_HUB_INVALID_PAYLOAD' } })
    const outer = parseHubMessage(JSON.stringify({ type: 'heartbeat', data: { at: 1 }, x: 1 }))
    expect(outer).toMatchObject({ ok: false, violation: { code: 'MEGA_WS_HUB_INVALID_FRAME' } })
  })

  it('names the field that failed', () => {
    const bad = parseHubMessage(
      JSON.stringify({ type: 'register', data: { ...register, token: '' } }),
    )
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.violation.message).toContain('token')
    const version = parseHubMessage(
      JSON.stringify({ type: 'register', data: { ...register, protocolVersion: 0 } }),
    )
    expect(version.ok).toBe(false)
    if (!version.ok) expect(version.violation.message).toContain('protocolVersion')
  })

  it('refuses non-JSON, non-objects and unknown types without throwing', () => {
    expect(parseHubMessage('{')).toMatchObject({
      violation: { code: 'MEGA_WS_HUB_INVALID_FRAME' },
    })
    expect(parseHubMessage('[1]')).toMatchObject({
      violation: { code: 'MEGA_WS_HUB_INVALID_FRAME' },
    })
    expect(parseHubMessage(JSON.stringify({ type: 'rm -rf', data: {} }))).toMatchObject({
      violation: { code: 'MEGA_WS_HUB_UNKNOWN_TYPE' },
    })
  })

  it('checks message types and kick targets inside payloads', () => {
    const publish = { ns: 'board', type: 'note.created', data: { id: 1 } }
    expect(parseHubMessage(JSON.stringify({ type: 'publish', data: publish })).ok).toBe(true)
    expect(
      parseHubMessage(JSON.stringify({ type: 'publish', data: { ...publish, type: '1bad' } })).ok,
    ).toBe(false)
    expect(
      parseHubMessage(JSON.stringify({ type: 'kick', data: { target: { userId: 'ann' } } })).ok,
    ).toBe(true)
    expect(
      parseHubMessage(
        JSON.stringify({ type: 'kick', data: { target: { userId: 'ann', connId: 'c' } } }),
      ).ok,
    ).toBe(false)
  })
})

describe('encodeHubMessage', () => {
  it('round-trips through parseHubMessage', () => {
    const data = { hubId: 'hub-1', acceptedAt: 1_700_000_000_000, heartbeatMs: 5000 }
    expect(parseHubMessage(encodeHubMessage('register_ok', data))).toEqual({
      ok: true,
      message: { type: 'register_ok', data },
    })
  })

  it('throws a coded error for a payload its schema refuses', () => {
    expect(() => encodeHubMessage('heartbeat', { at: -1 })).toThrowError(
      expect.objectContaining({ code: 'MEGA_WS_HUB_INVALID_PAYLOAD' }),
    )
  })
})

describe('deliver', () => {
  it('is a publish with its origin, and as strict', () => {
    const publish = { ns: 'board', type: 'note.created', data: { id: 1 } }
    const deliver = { ...publish, origin: 'app-1' }
    expect(parseHubMessage(JSON.stringify({ type: 'deliver', data: deliver })).ok).toBe(true)
    expect(parseHubMessage(JSON.stringify({ type: 'deliver', data: publish })).ok).toBe(false)
    expect(
      parseHubMessage(JSON.stringify({ type: 'deliver', data: { ...deliver, extra: 1 } })).ok,
    ).toBe(false)
    expect(parseHubMessage(JSON.stringify({ type: 'publish', data: deliver })).ok).toBe(false)
  })
})
