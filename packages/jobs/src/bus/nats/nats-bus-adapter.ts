import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import { BaseAdapter, type AdapterHealth, type BusAdapter, type BusMessage } from '@mega/core'
import { MegaError } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import { jobsError } from '../../errors.js'
import { checkPattern, checkSubject, decodeData, encodeData } from '../../internal/bus-input.js'
import { deadline } from '../../internal/deadline.js'
import {
  clientOptions,
  defaultNatsConnect,
  describeServers,
  type NatsConnect,
} from './nats-connection.js'
import {
  natsOptionsSchema,
  type NatsBusOptions,
  type ResolvedNatsBusOptions,
} from './nats-options.js'

/** What a {@link NatsBusAdapter} takes besides its options: its app and seams. */
export interface NatsBusScope {
  /** The app the adapter belongs to; names the connection (`mega:<app>:<alias>`). @default 'mega' */
  readonly app?: string
  /** Told about a handler that threw or a message that was not JSON. @default process.emitWarning */
  readonly onError?: (err: unknown, subject: string) => void
  /** Opens the connection. @default connect from @nats-io/transport-node */
  readonly connect?: NatsConnect
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Drains (flushing what was published); closes outright when the server does not answer in time. */
async function drainOrClose(nc: NatsConnection, timeoutMs: number): Promise<void> {
  await deadline(nc.drain(), timeoutMs, 'drain timed out').catch(() => undefined)
  if (!nc.isClosed()) await nc.close().catch(() => undefined)
}

/**
 * Publish/subscribe on core NATS, with the memory bus's rules so an app can swap `memory` for
 * `nats` by config: the same subject and pattern checks (MEGA_ADAPTER_INVALID_INPUT), JSON data,
 * asynchronous delivery, `*` and `>` wildcards, and a handler that throws is reported through
 * `onError` and never reaches the publisher. Delivery is at most once (core NATS keeps nothing).
 * The client reconnects on its own; `health()` reports down while disconnected, and `disconnect()`
 * drains, so what was published is flushed first.
 *
 * @example
 * const bus = new NatsBusAdapter('bus', { url: 'nats://127.0.0.1:4222' })
 * await bus.connect()
 * const stop = await bus.subscribe('orders.*', ({ subject, data }) => console.log(subject, data))
 * await bus.publish('orders.created', { id: 1 })
 * stop()
 * await bus.disconnect()
 */
export class NatsBusAdapter extends BaseAdapter implements BusAdapter {
  readonly kind = 'bus' as const
  /** The validated options, with defaults. */
  readonly options: ResolvedNatsBusOptions
  readonly #name: string
  readonly #onError: (err: unknown, subject: string) => void
  readonly #connect: NatsConnect
  #nc: NatsConnection | undefined
  #up = false
  #draining: Promise<void> | undefined

  constructor(alias: string, options: NatsBusOptions = {}, scope: NatsBusScope = {}) {
    super('nats', alias)
    this.options = parseOptions(natsOptionsSchema, options, `adapters.${alias}`)
    this.#name = this.options.name ?? `mega:${scope.app ?? 'mega'}:${alias}`
    this.#onError = scope.onError ?? ((err) => process.emitWarning(describe(err)))
    this.#connect = scope.connect ?? defaultNatsConnect
  }

  /**
   * The raw `NatsConnection`, for what the bus contract does not cover (JetStream, request/reply).
   * Throws MEGA_BUS_UNAVAILABLE unless connected.
   */
  get connection(): NatsConnection {
    return this.#connected('use the connection')
  }

  /** The same as {@link NatsBusAdapter.connection} (the original's name): `new MegaJobQueue({ nc: bus.native })`. */
  get native(): NatsConnection {
    return this.connection
  }

  async publish(subject: string, data: unknown): Promise<void> {
    const payload = encodeData(data, checkSubject(subject))
    const nc = this.#connected(`publish on "${subject}"`)
    if (payload.length > (nc.info?.max_payload ?? Infinity))
      throw new MegaError(
        'MEGA_ADAPTER_INVALID_INPUT',
        `The data published on "${subject}" is ${payload.length} bytes of JSON, over the server's max_payload of ${nc.info?.max_payload} bytes: publish less, or raise max_payload on nats-server.`,
      )
    try {
      nc.publish(subject, payload)
    } catch (err) {
      throw jobsError(
        'MEGA_BUS_UNAVAILABLE',
        `Publishing on "${subject}" failed (${describe(err)}): check that the NATS server runs.`,
        { cause: err },
      )
    }
  }

  /** Resolves once the server has the subscription, so a later publish from anywhere reaches it. */
  async subscribe<T = unknown>(
    subject: string,
    handler: (message: BusMessage<T>) => unknown,
  ): Promise<() => void> {
    checkPattern(subject)
    const nc = this.#connected(`subscribe to "${subject}"`)
    let active = true
    const sub: Subscription = nc.subscribe(subject, {
      callback: (err, msg) => {
        if (!active) return
        if (err !== null) this.#onError(err, subject)
        else this.#deliver(msg.subject, msg.data, handler as (m: BusMessage) => unknown)
      },
    })
    // Wait for the server's answer so the subscription is in place. While reconnecting there is
    // nothing to wait for: the client registers its subscriptions again when it is back.
    if (this.#up)
      await deadline(nc.flush(), this.options.connectTimeoutMs, 'flush').catch(() => undefined)
    return () => {
      if (!active) return
      active = false
      if (!sub.isClosed()) sub.unsubscribe()
    }
  }

  /** Waits for the drain a first call started, so every caller sees the messages flushed. */
  override async disconnect(): Promise<void> {
    await super.disconnect()
    await this.#draining
  }

  protected async _connect(): Promise<void> {
    let nc: NatsConnection
    try {
      nc = await this.#connect(clientOptions(this.options, this.#name))
    } catch (err) {
      throw jobsError(
        'MEGA_BUS_UNAVAILABLE',
        `Could not connect to NATS at ${describeServers(this.options)} (${describe(err)}): check that nats-server runs and the adapter's url/servers and credentials.`,
        { cause: err },
      )
    }
    this.#nc = nc
    this.#up = true
    void this.#watch(nc)
  }

  protected async _disconnect(): Promise<void> {
    const nc = this.#nc
    this.#up = false
    if (nc === undefined) return
    // BaseAdapter lets two disconnect() calls started together both get here: drain once.
    this.#draining ??= nc.isClosed()
      ? Promise.resolve()
      : drainOrClose(nc, this.options.connectTimeoutMs)
    await this.#draining
  }

  protected override async _health(): Promise<AdapterHealth> {
    const nc = this.#nc
    if (nc === undefined || nc.isClosed())
      return { ok: false, error: `${this.alias} (nats): the connection is closed` }
    if (!this.#up) return { ok: false, error: `${this.alias} (nats): disconnected, reconnecting` }
    const timeoutMs = this.options.connectTimeoutMs
    try {
      const rtt = await deadline(nc.rtt(), timeoutMs, `no answer within ${timeoutMs} ms`)
      return { ok: true, latencyMs: Math.round(rtt * 100) / 100, server: nc.getServer() }
    } catch (err) {
      return { ok: false, error: describe(err) }
    }
  }

  #connected(what: string): NatsConnection {
    const nc = this.#nc
    if (this.state !== 'connected' || nc === undefined || nc.isClosed())
      throw jobsError(
        'MEGA_BUS_UNAVAILABLE',
        `NATS adapter "${this.alias}" is ${nc?.isClosed() === true && this.state === 'connected' ? 'closed (reconnects gave up)' : this.state}: call connect() before you ${what}.`,
      )
    return nc
  }

  async #watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') this.#up = false
      else if (status.type === 'reconnect') this.#up = true
    }
    this.#up = false
  }

  #deliver(subject: string, payload: Uint8Array, handler: (m: BusMessage) => unknown): void {
    let data: unknown
    try {
      data = decodeData(payload)
    } catch (err) {
      this.#onError(err, subject)
      return
    }
    try {
      const result = handler({ subject, data })
      if (result instanceof Promise) result.catch((e: unknown) => this.#onError(e, subject))
    } catch (err) {
      this.#onError(err, subject)
    }
  }
}
