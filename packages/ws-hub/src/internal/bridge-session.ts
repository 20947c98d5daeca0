import type { WebSocket } from 'ws'
import { encodeHubMessage, type HubMessageType, type HubPayloads } from '@mega/ws/hub-protocol'

/** One presence member as the hub protocol carries it. */
export type HubMember = HubPayloads['presence']['members'][string][number]

/** Counts frames out by type (the hub's metrics). */
export type FrameCounter = (type: HubMessageType) => void

/** Who a bridge said it is at registration. */
export interface BridgeIdentity {
  readonly instanceId: string
  readonly capabilities: readonly string[]
  readonly protocolVersion: number
  readonly connectedAt: number
  readonly remoteAddress: string | undefined
}

/** A registered bridge: its socket, what it asked for, and what it holds. */
export class BridgeSession {
  readonly namespaces = new Set<string>()
  readonly users = new Set<string>()
  members: Readonly<Record<string, readonly HubMember[]>> = {}
  lastSeen: number
  /** Consecutive frames refused since the last good one. */
  invalidFrames = 0
  /** Set once the hub has forgotten this session (closed, replaced, timed out). */
  gone = false
  readonly socket: WebSocket
  readonly instanceId: string
  readonly capabilities: readonly string[]
  /** The version the session speaks (1 for a legacy bridge). */
  readonly protocolVersion: number
  readonly connectedAt: number
  readonly remoteAddress: string | undefined
  readonly #count: FrameCounter

  constructor(socket: WebSocket, info: BridgeIdentity, count: FrameCounter) {
    this.socket = socket
    this.instanceId = info.instanceId
    this.capabilities = info.capabilities
    this.protocolVersion = info.protocolVersion
    this.connectedAt = info.connectedAt
    this.remoteAddress = info.remoteAddress
    this.lastSeen = info.connectedAt
    this.#count = count
  }

  /** Sends one frame when the socket is open; `false` when it is not. */
  send<K extends HubMessageType>(type: K, data: HubPayloads[K]): boolean {
    return this.sendRaw(type, encodeHubMessage(type, data))
  }

  /** Sends a frame already encoded (one encoding for a fan-out). */
  sendRaw(type: HubMessageType, frame: string): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false
    this.socket.send(frame)
    this.#count(type)
    return true
  }

  /** Applies an `interest` frame. */
  applyInterest(interest: HubPayloads['interest']): void {
    if (interest.reset === true) {
      this.namespaces.clear()
      this.users.clear()
    }
    for (const ns of interest.removeNs ?? []) this.namespaces.delete(ns)
    for (const ns of interest.addNs ?? []) this.namespaces.add(ns)
    for (const user of interest.removeUsers ?? []) this.users.delete(user)
    for (const user of interest.addUsers ?? []) this.users.add(user)
  }

  /** How many members this bridge reported, over every namespace. */
  memberCount(): number {
    let count = 0
    for (const list of Object.values(this.members)) count += list.length
    return count
  }
}
