import {
  encodeHubMessage,
  type HubMessage,
  type HubMessageType,
  type HubPayloads,
} from '@mega/ws/hub-protocol'
import type { BridgeSession, HubMember } from './bridge-session.js'
import type { HubMetrics } from './hub-metrics.js'

/** The most members a `presence_result` carries (the protocol's list limit). */
export const MAX_RESULT_MEMBERS = 10_000

/** A refusal of one frame from a registered bridge: its `error` frame code and message. */
export interface FrameRefusal {
  readonly code: string
  readonly message: string
}

/**
 * The routing table: every registered bridge by instance id, with its interest and presence, and the
 * rules that move a bridge's frame to the others.
 */
export class HubRouter {
  readonly bridges = new Map<string, BridgeSession>()
  /** Where deliveries are counted (set once the hub's metrics exist). */
  metrics: HubMetrics

  constructor(metrics: HubMetrics) {
    this.metrics = metrics
  }

  /** Handles one valid frame from `from`; a refusal when the type may not come from a bridge. */
  route(from: BridgeSession, message: HubMessage): FrameRefusal | undefined {
    switch (message.type) {
      case 'interest':
        from.applyInterest(message.data)
        return undefined
      case 'publish':
        this.#publish(from, message.data)
        return undefined
      case 'presence':
        from.members = message.data.members
        return undefined
      case 'presence_query':
        from.send('presence_result', {
          requestId: message.data.requestId,
          members: this.membersOf(message.data.ns, from),
        })
        return undefined
      case 'kick':
        this.broadcast('kick', message.data, from)
        return undefined
      case 'heartbeat':
        return undefined // being heard is all it says (lastSeen is set for every frame)
      case 'register':
        return {
          code: 'MEGA_WS_HUB_ALREADY_REGISTERED',
          message: 'This bridge is already registered: send register once per connection.',
        }
      case 'register_ok':
      case 'deliver':
      case 'presence_result':
      case 'drain':
      case 'error':
        return {
          code: 'MEGA_WS_HUB_WRONG_DIRECTION',
          message: `"${message.type}" goes from the hub to bridges, never to the hub.`,
        }
    }
  }

  #publish(from: BridgeSession, data: HubPayloads['publish']): void {
    const frame = encodeHubMessage('deliver', { origin: from.instanceId, ...data })
    let sent = 0
    for (const bridge of this.bridges.values()) {
      if (bridge === from) continue
      const wants =
        data.userId === undefined ? bridge.namespaces.has(data.ns) : bridge.users.has(data.userId)
      if (wants && bridge.sendRaw('deliver', frame)) sent++
    }
    this.metrics.delivered(sent)
  }

  /** Sends one frame to every bridge but `except`; the number of bridges it reached. */
  broadcast<K extends HubMessageType>(
    type: K,
    data: HubPayloads[K],
    except?: BridgeSession,
  ): number {
    const frame = encodeHubMessage(type, data)
    let sent = 0
    for (const bridge of this.bridges.values())
      if (bridge !== except && bridge.sendRaw(type, frame)) sent++
    return sent
  }

  /** The members of `ns` the bridges hold (but `except`), one per session id, capped. */
  membersOf(ns: string, except?: BridgeSession): HubMember[] {
    const seen = new Map<string, HubMember>()
    for (const bridge of this.bridges.values()) {
      if (bridge === except) continue
      for (const member of bridge.members[ns] ?? [])
        if (!seen.has(member.sessionId)) seen.set(member.sessionId, member)
    }
    return [...seen.values()].slice(0, MAX_RESULT_MEMBERS)
  }
}
