import {
  negotiateWsProtocol,
  SUPPORTED_WS_PROTOCOL_VERSIONS,
  wsProtocolName,
  type WsProtocolChoice,
} from '../protocol/ws-message.js'

/** The suffix of an encrypted connection's subprotocol: `mega.v1+asp`. */
export const ASP_PROTOCOL_SUFFIX = '+asp'

const isAsp = (name: string): boolean => name.endsWith(ASP_PROTOCOL_SUFFIX)

/**
 * Picks the subprotocol for a server that does (`encrypted`) or does not encrypt frames: an
 * encrypted server speaks only `mega.v<N>+asp`, a plain one only `mega.v<N>` (or none). `undefined`
 * when the client offers nothing this server speaks.
 */
export function negotiateServerProtocol(
  offered: Iterable<string>,
  encrypted: boolean,
): WsProtocolChoice | undefined {
  const names = [...offered].map((name) => name.trim())
  const plain = names.filter((name) => !isAsp(name))
  if (!encrypted) {
    const choice = negotiateWsProtocol(plain)
    return plain.length < names.length && choice?.protocol === undefined ? undefined : choice
  }
  const choice = negotiateWsProtocol(names.filter(isAsp).map((name) => name.slice(0, -4)))
  if (choice?.protocol === undefined) return undefined
  return { version: choice.version, protocol: choice.protocol + ASP_PROTOCOL_SUFFIX }
}

/** What a client refused by {@link negotiateServerProtocol} should offer instead. */
export function protocolAdvice(encrypted: boolean): string {
  const names = SUPPORTED_WS_PROTOCOL_VERSIONS.map(wsProtocolName)
  return encrypted
    ? `This endpoint encrypts frames (ASP): offer ${names.map((n) => n + ASP_PROTOCOL_SUFFIX).join(', ')} and seal frames with createAspCodec.`
    : `None of the offered envelope versions is spoken here: offer ${names.join(', ')}.`
}
