import { z } from 'zod'

/** How long connecting may take before it fails with MEGA_BUS_UNAVAILABLE, in ms. */
export const DEFAULT_NATS_CONNECT_TIMEOUT_MS = 5000

/** How long the client waits between reconnect attempts to one server, in ms (the client's default). */
export const DEFAULT_NATS_RECONNECT_WAIT_MS = 2000

/** The server used when neither `url` nor `servers` is given. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222'

/**
 * Options of the `nats` driver (`adapters.<alias>` in config, besides `driver` and `kind`). Give
 * either `url` or `servers`; either `user` and `pass` together, or `token`.
 */
export interface NatsBusOptions {
  /** The server, `nats://[user:pass@]host:port` (or `tls://`). @default 'nats://127.0.0.1:4222' */
  readonly url?: string
  /** Several servers of one cluster, tried in turn (`host:port` or `nats://host:port`); excludes `url`. */
  readonly servers?: readonly string[]
  /** The client name the server shows in its monitoring. @default 'mega:<app>:<alias>' */
  readonly name?: string
  /** User name; needs `pass`. */
  readonly user?: string
  /** Password; needs `user`. */
  readonly pass?: string
  /** Authentication token; excludes `user`/`pass`. */
  readonly token?: string
  /** How long the first connection may take before MEGA_BUS_UNAVAILABLE, in ms. @default 5000 */
  readonly connectTimeoutMs?: number
  /** Reconnect after the connection drops (the client's own reconnect, buffering publishes). @default true */
  readonly reconnect?: boolean
  /** Reconnect attempts per server before the client gives up and closes; -1 never gives up. @default -1 */
  readonly maxReconnectAttempts?: number
  /** Wait between reconnect attempts to one server, in ms. @default 2000 */
  readonly reconnectWaitMs?: number
}

const serverSchema = z
  .string()
  .regex(
    /^((nats|tls):\/\/)?[^\s/]+(:\d+)?\/?$/,
    'must be nats://host:port, tls://host:port or host:port',
  )

/** The zod schema of {@link NatsBusOptions}: validation, defaults and messages in one place. */
export const natsOptionsSchema = z
  .strictObject({
    url: serverSchema.optional(),
    servers: z.array(serverSchema).min(1, 'list at least one server').optional(),
    name: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    pass: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    connectTimeoutMs: z.number().int().positive().default(DEFAULT_NATS_CONNECT_TIMEOUT_MS),
    reconnect: z.boolean().default(true),
    maxReconnectAttempts: z.number().int().min(-1).default(-1),
    reconnectWaitMs: z.number().int().positive().default(DEFAULT_NATS_RECONNECT_WAIT_MS),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string): void =>
      ctx.addIssue({ code: 'custom', path: [path], message })
    if (o.url !== undefined && o.servers !== undefined)
      issue('servers', 'give either url or servers, not both')
    if (o.user !== undefined && o.pass === undefined) issue('pass', 'user needs pass: give both')
    if (o.pass !== undefined && o.user === undefined) issue('user', 'pass needs user: give both')
    if (o.token !== undefined && (o.user !== undefined || o.pass !== undefined))
      issue('token', 'give either token or user/pass, not both')
  }) satisfies z.ZodType<unknown, NatsBusOptions>

/** Options of the `nats` driver, validated and with defaults. */
export type ResolvedNatsBusOptions = z.output<typeof natsOptionsSchema>
