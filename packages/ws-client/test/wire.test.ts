import { describe, expect, it } from 'vitest'
import * as server from '@mega/ws'
import {
  WS_CLIENT_CLOSE_CODES,
  WS_CLIENT_PROTOCOL_PREFIX,
  WS_CLIENT_TYPES,
  WS_CLIENT_TYPE_PATTERN,
} from '../src/index.js'

// The client declares the wire constants itself (it may not import @mega/ws); this keeps them equal.
describe('the client speaks the wire of @mega/ws', () => {
  it('has the same protocol message types', () => {
    expect(WS_CLIENT_TYPES).toEqual({
      reply: server.WS_REPLY_TYPE,
      error: server.WS_ERROR_TYPE,
      resume: server.WS_RESUME_TYPE,
      gap: server.WS_GAP_TYPE,
      position: server.WS_POSITION_TYPE,
      ping: server.WS_PING_TYPE,
      pong: server.WS_PONG_TYPE,
    })
    expect(WS_CLIENT_TYPE_PATTERN.source).toBe(server.WS_TYPE_PATTERN.source)
  })

  it('has the same close codes and subprotocol names', () => {
    expect(WS_CLIENT_CLOSE_CODES).toMatchObject({
      kicked: server.CLOSE_CODE_KICKED,
      internalError: server.CLOSE_CODE_INTERNAL_ERROR,
      slowConsumer: server.CLOSE_CODE_SLOW_CONSUMER,
      decryptFailed: server.CLOSE_CODE_DECRYPT_FAILED,
      requeue: server.CLOSE_CODE_REQUEUE,
    })
    expect(`${WS_CLIENT_PROTOCOL_PREFIX}3`).toBe(server.wsProtocolName(3))
    expect(server.ASP_PROTOCOL_SUFFIX).toBe('+asp')
  })
})
