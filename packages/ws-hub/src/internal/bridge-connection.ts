import type { IncomingMessage } from 'node:http'
import type { WebSocket, RawData } from 'ws'
import {
  HUB_CLOSE_CODES,
  negotiateHubProtocolVersion,
  parseHubMessage,
  type HubPayloads,
} from '@mega/ws/hub-protocol'
import { BridgeSession } from './bridge-session.js'
import type { HubMetrics } from './hub-metrics.js'
import type { HubRouter } from './hub-router.js'
import { closeWithin, frameText, sendError } from './socket-io.js'

/** Refused frames in a row after which a registered bridge is closed 4400. */
export const MAX_INVALID_FRAMES = 10
/** How long a closing socket may take to finish the close handshake before it is cut (ms). */
export const CLOSE_GRACE_MS = 2_000

/** What a connection needs from its hub. */
export interface ConnectionHost {
  readonly registerTimeoutMs: number
  readonly router: HubRouter
  metrics(): HubMetrics
  now(): number
  checkToken(token: string): boolean
  /** A bridge passed the handshake: the hub records it and answers `register_ok`. */
  admit(session: BridgeSession, register: HubPayloads['register']): void
  /** A bridge is gone (closed by either side); called once per session. */
  forget(session: BridgeSession, code: number, reason: string): void
  /** A socket was refused before registering. */
  refused(code: number, reason: string, instanceId: string | undefined): void
}

/** Closes a registered bridge with `code`, forgetting it at once. */
export function closeBridge(
  host: ConnectionHost,
  session: BridgeSession,
  code: number,
  reason: string,
): Promise<void> {
  host.forget(session, code, reason)
  return closeWithin(session.socket, code, reason, CLOSE_GRACE_MS)
}

/**
 * One bridge socket from upgrade to close: the first frame must be a valid `register` with an
 * accepted token within the register window (4400, 4401, 4408 otherwise); then every frame goes to
 * the router, a refused one answered by an `error` frame (the socket stays open until
 * {@link MAX_INVALID_FRAMES} refusals in a row).
 */
export function handleConnection(
  host: ConnectionHost,
  socket: WebSocket,
  request: IncomingMessage,
): void {
  let session: BridgeSession | undefined
  const refuse = (code: number, errorCode: string, message: string, id?: string): void => {
    sendError(socket, errorCode, message, host.metrics())
    host.metrics().protocolError(errorCode)
    host.refused(code, message, id)
    void closeWithin(socket, code, message, CLOSE_GRACE_MS)
  }
  const timer = setTimeout(
    () =>
      refuse(
        HUB_CLOSE_CODES.HEARTBEAT_TIMEOUT,
        'MEGA_WS_HUB_REGISTER_TIMEOUT',
        `No register frame within ${host.registerTimeoutMs} ms: send register first.`,
      ),
    host.registerTimeoutMs,
  )
  timer.unref()
  const first = (text: string | undefined): BridgeSession | undefined => {
    clearTimeout(timer)
    const parsed = text === undefined ? undefined : parseHubMessage(text)
    if (parsed === undefined || !parsed.ok || parsed.message.type !== 'register') {
      const code =
        parsed !== undefined && !parsed.ok ? parsed.violation.code : 'MEGA_WS_HUB_NOT_REGISTERED'
      const why = parsed !== undefined && !parsed.ok ? `${parsed.violation.message} ` : ''
      refuse(
        HUB_CLOSE_CODES.PROTOCOL_ERROR,
        code,
        `${why}The first frame must be a valid register.`,
      )
      return undefined
    }
    host.metrics().frameIn('register')
    const register = parsed.message.data
    if (!host.checkToken(register.token)) {
      host.metrics().authFailed()
      refuse(
        HUB_CLOSE_CODES.AUTH_FAILED,
        'MEGA_WS_HUB_AUTH_FAILED',
        'The hub refused this token: give the bridge one of the hub tokens (--token).',
        register.instanceId,
      )
      return undefined
    }
    const admitted = new BridgeSession(
      socket,
      {
        instanceId: register.instanceId,
        capabilities: register.capabilities,
        protocolVersion: negotiateHubProtocolVersion(register.protocolVersion),
        connectedAt: host.now(),
        remoteAddress: request.socket.remoteAddress,
      },
      (type) => host.metrics().frameOut(type),
    )
    host.admit(admitted, register)
    return admitted
  }
  socket.on('message', (data: RawData, isBinary: boolean) => {
    const text = frameText(data, isBinary)
    if (session === undefined) {
      if (socket.readyState === socket.OPEN) session = first(text)
      return
    }
    onFrame(host, session, text)
  })
  socket.on('close', (code, reason) => {
    clearTimeout(timer)
    if (session !== undefined) host.forget(session, code, reason.toString('utf8'))
  })
  socket.on('error', () => undefined) // the close event follows and is what counts
}

function onFrame(host: ConnectionHost, session: BridgeSession, text: string | undefined): void {
  if (session.gone) return
  session.lastSeen = host.now()
  const parsed =
    text === undefined
      ? ({
          ok: false,
          violation: { code: 'MEGA_WS_HUB_INVALID_FRAME', message: 'Hub frames are text.' },
        } as const)
      : parseHubMessage(text)
  const refusal = parsed.ok ? host.router.route(session, parsed.message) : parsed.violation
  host.metrics().frameIn(parsed.ok ? parsed.message.type : 'invalid')
  if (refusal === undefined) {
    session.invalidFrames = 0
    return
  }
  host.metrics().protocolError(refusal.code)
  sendError(session.socket, refusal.code, refusal.message, host.metrics())
  if (++session.invalidFrames >= MAX_INVALID_FRAMES)
    void closeBridge(
      host,
      session,
      HUB_CLOSE_CODES.PROTOCOL_ERROR,
      `${MAX_INVALID_FRAMES} refused frames in a row`,
    )
}
