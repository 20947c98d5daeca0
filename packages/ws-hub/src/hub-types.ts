/** A registered bridge, as `MegaWsHub.bridges()` and `GET /admin/bridges` list it. */
export interface HubBridgeInfo {
  readonly instanceId: string
  /** The hub protocol version the session speaks. */
  readonly protocolVersion: number
  readonly capabilities: readonly string[]
  /** Epoch ms of its registration. */
  readonly connectedAt: number
  /** Epoch ms of its last frame (of any kind). */
  readonly lastSeen: number
  readonly remoteAddress: string | undefined
  /** How many namespaces and users it said it has connections for. */
  readonly interest: { readonly namespaces: number; readonly users: number }
  /** How many presence members it reported, over every namespace. */
  readonly members: number
}

/** One presence member a bridge reported, as `MegaWsHub.members()` lists it. */
export interface HubMemberInfo {
  /** The bridge holding the connection. */
  readonly instanceId: string
  readonly ns: string
  readonly sessionId: string
  readonly userId: string
  readonly connId: string
  readonly metadata: Readonly<Record<string, unknown>>
}

/** Which client connections an admin disconnect closes: one connection, or every one of a user. */
export type HubDisconnectTarget = { readonly connId: string } | { readonly userId: string }

/** Options of `MegaWsHub.disconnect`. */
export interface HubDisconnectOptions {
  /** `true`: the clients reconnect elsewhere and keep their session (4503); else 1008. @default false */
  readonly requeue?: boolean
  /** Sent to the bridges and on to the clients (at most 123 characters). */
  readonly reason?: string
}

/** A filter of `MegaWsHub.members()`. */
export interface HubMemberFilter {
  readonly ns?: string
  readonly userId?: string
}
