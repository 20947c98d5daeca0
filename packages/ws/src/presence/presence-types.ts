/** One member of a namespace's presence. */
export interface PresenceMember {
  /** What members are told apart by: the session given to `join`, or the connection id. */
  readonly sessionId: string
  readonly userId: string
  readonly metadata: Readonly<Record<string, unknown>>
  /** The connection holding the member. */
  readonly connId: string
}

/** What `ctx.presence.join` takes. */
export interface PresenceJoin {
  /** The user the connection belongs to (messages sent with `toUser` reach every connection of it). */
  readonly userId: string
  /** Shown to the others in `list()` and the join event (a name, a colour, a cursor...). */
  readonly metadata?: Readonly<Record<string, unknown>>
  /** Members with one session id count once; @default the connection id. */
  readonly sessionId?: string
}

/** Options of a broadcast. */
export interface BroadcastOptions {
  /** A connection id not to send to (usually the sender's own). */
  readonly except?: string
}

/** Presence and delivery in one namespace. */
export interface NamespacePresence {
  /** The namespace. */
  readonly ns: string
  /** The members who joined, one per session. */
  list(): Promise<PresenceMember[]>
  /** Sends a message to every connection of the namespace; resolves how many were sent to. */
  broadcast<T>(type: string, data?: T, options?: BroadcastOptions): Promise<number>
  /** Sends a message to every connection of a user in the namespace; resolves how many. */
  toUser<T>(userId: string, type: string, data?: T): Promise<number>
}

/** `ctx.presence` in a channel: its own namespace, as the connection. */
export interface ChannelPresence extends NamespacePresence {
  /** Joins the namespace's presence as a user (the others get `mega.presence.join`). */
  join(member: PresenceJoin): Promise<PresenceMember>
  /** Replaces this connection's metadata (the others get `mega.presence.update`). */
  update(metadata: Readonly<Record<string, unknown>>): Promise<PresenceMember>
  /** Leaves the presence without closing (the others get `mega.presence.leave`); closing leaves too. */
  leave(): Promise<void>
  /** Another namespace, to list or send to. */
  in(ns: string): NamespacePresence
}

/** Who {@link WsPresence.kick} removes. */
export type KickTarget = { readonly connId: string } | { readonly userId: string }

/** Options of {@link WsPresence.kick}. */
export interface KickOptions {
  /**
   * `true`: close with 4503 (reconnect, to another process, keeping the session); otherwise 1008
   * (do not come back). @default false
   */
  readonly requeue?: boolean
  /** The close reason the client sees (at most 123 bytes). */
  readonly reason?: string
}

/** `ctx.presence` in HTTP handlers and services: any namespace, and the server's connections. */
export interface WsPresence {
  /** A namespace, to list or send to. */
  in(ns: string): NamespacePresence
  /** Closes a connection, or every connection of a user; returns how many. */
  kick(target: KickTarget, options?: KickOptions): number
  /** How many WebSocket connections this process holds now. */
  readonly connections: number
}
