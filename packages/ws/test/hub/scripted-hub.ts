/**
 * A scripted hub for the hub link's tests: a real `ws` WebSocketServer that speaks the hub protocol
 * through `parseHubMessage`/`encodeHubMessage`. It is a test double of our own hub (`MegaWsHub` of
 * @mega/ws-hub is built in parallel): it accepts `register` (or closes with the code a test asks
 * for), answers `presence_query`, relays `publish` as `deliver` when asked to, records every frame a bridge sends, and lets a test send frames
 * and close sockets with any code. It sends no heartbeats unless told to.
 */
import { afterEach } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  encodeHubMessage,
  parseHubMessage,
  type HubMessage,
  type HubMessageType,
  type HubPayloads,
} from '../../src/hub/hub-protocol.js'
import type { PresenceMember } from '../../src/index.js'

/** One bridge connection the hub accepted. */
export interface HubSession {
  readonly socket: WebSocket
  register?: HubPayloads['register']
  /** Resolves with the close code the hub saw. */
  readonly closed: Promise<number>
}

interface Seen {
  readonly session: HubSession
  readonly message: HubMessage
  taken: boolean
}

export interface ScriptedHubOptions {
  readonly port?: number
  /** The heartbeat period told in `register_ok`. @default 60000 */
  readonly heartbeatMs?: number
  /** Close the registering bridge with this code instead of accepting it. */
  readonly refuseWith?: number
  /** The version echoed (when the bridge sent one). @default what the bridge sent, capped at 1 */
  readonly echo?: number
  /** Relay every `publish` to the other bridges as `deliver` (no interest routing). */
  readonly relay?: boolean
  /** The members a `presence_query` is answered with; `undefined`: not answered. */
  readonly presence?: (ns: string) => PresenceMember[] | undefined
}

const hubs: ScriptedHub[] = []
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()))
})

export class ScriptedHub {
  readonly sessions: HubSession[] = []
  readonly #server: WebSocketServer
  readonly #seen: Seen[] = []
  readonly #waiters = new Set<() => void>()
  readonly options: ScriptedHubOptions

  private constructor(server: WebSocketServer, options: ScriptedHubOptions) {
    this.#server = server
    this.options = options
    server.on('connection', (socket) => this.#accept(socket))
  }

  /** Starts a hub on `port` (or a free one); closed after the test. */
  static async start(options: ScriptedHubOptions = {}): Promise<ScriptedHub> {
    const server = new WebSocketServer({ port: options.port ?? 0, host: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', resolve))
    const hub = new ScriptedHub(server, options)
    hubs.push(hub)
    return hub
  }

  get url(): string {
    const address = this.#server.address()
    if (address === null || typeof address === 'string') throw new Error('not listening')
    return `ws://127.0.0.1:${address.port}`
  }

  #accept(socket: WebSocket): void {
    const session: HubSession = {
      socket,
      closed: new Promise((resolve) => socket.on('close', (code) => resolve(code))),
    }
    this.sessions.push(session)
    socket.on('message', (data) => {
      const parsed = parseHubMessage((data as Buffer).toString('utf8'))
      if (!parsed.ok)
        throw new Error(`the bridge sent an invalid frame: ${parsed.violation.message}`)
      this.#react(session, parsed.message)
      this.#seen.push({ session, message: parsed.message, taken: false })
      for (const wake of [...this.#waiters]) wake()
    })
  }

  #react(session: HubSession, message: HubMessage): void {
    if (message.type === 'register') {
      session.register = message.data
      if (this.options.refuseWith !== undefined)
        return session.socket.close(this.options.refuseWith, 'refused')
      const asked = message.data.protocolVersion
      this.send(session, 'register_ok', {
        hubId: 'hub-test',
        acceptedAt: Date.now(),
        heartbeatMs: this.options.heartbeatMs ?? 60_000,
        ...(asked === undefined
          ? {}
          : { protocolVersion: this.options.echo ?? Math.min(asked, 1) }),
      })
    }
    if (message.type === 'publish' && this.options.relay === true)
      for (const other of this.sessions)
        if (other !== session && other.register !== undefined)
          this.send(other, 'deliver', {
            origin: session.register?.instanceId ?? '?',
            ...message.data,
          })
    if (message.type === 'presence_query') {
      const members = this.options.presence?.(message.data.ns)
      if (members !== undefined)
        this.send(session, 'presence_result', { requestId: message.data.requestId, members })
    }
  }

  /** Sends a frame to a bridge (the last one to connect by default). */
  send<K extends HubMessageType>(session: HubSession | undefined, type: K, data: HubPayloads[K]) {
    ;(session ?? this.last).socket.send(encodeHubMessage(type, data))
  }

  get last(): HubSession {
    const session = this.sessions.at(-1)
    if (session === undefined) throw new Error('no bridge connected')
    return session
  }

  /**
   * The next frame of `type` not taken yet (optionally matching `where`), waiting for it; marks it
   * taken. Resolves its payload.
   */
  take<K extends HubMessageType>(
    type: K,
    where: (data: HubPayloads[K]) => boolean = () => true,
  ): Promise<HubPayloads[K]> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const hit = this.#seen.find(
          (s) => !s.taken && s.message.type === type && where(s.message.data as HubPayloads[K]),
        )
        if (hit === undefined) return false
        hit.taken = true
        this.#waiters.delete(wake)
        resolve(hit.message.data as HubPayloads[K])
        return true
      }
      const wake = (): void => void check()
      if (!check()) this.#waiters.add(wake)
    })
  }

  /** Every frame type received so far, in order (heartbeats left out). */
  types(): string[] {
    return this.#seen.map((s) => s.message.type).filter((t) => t !== 'heartbeat')
  }

  async close(): Promise<void> {
    for (const client of this.#server.clients) client.terminate()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
