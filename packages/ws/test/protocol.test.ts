import { describe, expect, it } from 'vitest'
import {
  createWsMessage,
  generateMessageId,
  negotiateWsProtocol,
  parseWsMessage,
  ULID_PATTERN,
  WS_PROTOCOL_VERSION,
} from '../src/index.js'

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn()
  } catch (err) {
    return (err as { code?: unknown }).code
  }
  return 'no error'
}

describe('envelope', () => {
  it('gives a message a ULID id unless one is given, and leaves out undefined fields', () => {
    const made = createWsMessage({ type: 'note.create', data: { title: 'a' } })
    expect(made.id).toMatch(ULID_PATTERN)
    expect(made).toEqual({ type: 'note.create', id: made.id, data: { title: 'a' } })
    expect(createWsMessage({ type: 'x', id: 'mine', ns: 'board' })).toEqual({
      type: 'x',
      id: 'mine',
      ns: 'board',
    })
    expect(codeOf(() => createWsMessage({ type: '9lives' }))).toBe('MEGA_WS_INVALID_ENVELOPE')
  })

  it('makes ULIDs that sort in the order they were made, also within one millisecond', () => {
    const now = Date.now()
    const ids = Array.from({ length: 1000 }, () => generateMessageId(now))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(1000)
    expect(generateMessageId(now + 1) > ids.at(-1)!).toBe(true)
  })

  it('parses a valid frame and refuses what is not an envelope, saying why', () => {
    expect(parseWsMessage('{"type":"a.b","id":"1","ns":"n","data":[1]}')).toEqual({
      type: 'a.b',
      id: '1',
      ns: 'n',
      data: [1],
    })
    const bad = [
      'not json',
      '[1]',
      'null',
      '{"id":"1"}',
      '{"type":""}',
      '{"type":"has space"}',
      `{"type":"${'a'.repeat(65)}"}`,
      '{"type":"a","id":5}',
      `{"type":"a","id":"${'x'.repeat(129)}"}`,
      '{"type":"a","extra":1}',
      '{"type":"a","error":"boom"}',
    ]
    for (const frame of bad)
      expect(
        codeOf(() => parseWsMessage(frame)),
        frame,
      ).toBe('MEGA_WS_INVALID_ENVELOPE')
    expect(() => parseWsMessage('{"type":"a","extra":1}')).toThrow(/"extra".*inside "data"/)
  })

  it('parses against the connection version and refuses a version it does not speak', () => {
    expect(parseWsMessage('{"type":"a"}', { version: 1 })).toEqual({ type: 'a' })
    expect(codeOf(() => parseWsMessage('{"type":"a"}', { version: 2 }))).toBe(
      'MEGA_WS_INVALID_ENVELOPE',
    )
  })
})

describe('negotiateWsProtocol', () => {
  it('picks the highest version both sides speak; none offered is v1 without a subprotocol', () => {
    expect(negotiateWsProtocol([])).toEqual({ version: WS_PROTOCOL_VERSION, protocol: undefined })
    expect(negotiateWsProtocol(['graphql-ws'])).toEqual({ version: 1, protocol: undefined })
    expect(negotiateWsProtocol(['mega.v1'])).toEqual({ version: 1, protocol: 'mega.v1' })
    expect(negotiateWsProtocol(['mega.v1', 'mega.v3', 'mega.v2'], [1, 2])).toEqual({
      version: 2,
      protocol: 'mega.v2',
    })
    expect(negotiateWsProtocol(['mega.v9'])).toBeUndefined()
    expect(negotiateWsProtocol(['mega.v0', 'mega.vx'])).toEqual({ version: 1, protocol: undefined })
  })
})
