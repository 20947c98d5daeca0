import type { AdapterHealth, AdapterKind, MegaAdapter } from './adapter-types.js'

/** Lifecycle states of a {@link BaseAdapter}. */
export const ADAPTER_STATES = ['idle', 'connecting', 'connected', 'closed'] as const

/** One of {@link ADAPTER_STATES}. */
export type AdapterState = (typeof ADAPTER_STATES)[number]

/**
 * A base for adapters: idempotent `connect`/`disconnect` around the driver's `_connect` and
 * `_disconnect`, and a health check that reports "not connected" before `connect`.
 */
export abstract class BaseAdapter implements MegaAdapter {
  abstract readonly kind: AdapterKind
  readonly driver: string
  readonly alias: string
  #state: AdapterState = 'idle'
  #connecting: Promise<void> | undefined

  constructor(driver: string, alias: string) {
    this.driver = driver
    this.alias = alias
  }

  /** The current lifecycle state. */
  get state(): AdapterState {
    return this.#state
  }

  async connect(): Promise<void> {
    if (this.#state === 'connected') return
    this.#connecting ??= this.#open()
    return this.#connecting
  }

  async #open(): Promise<void> {
    this.#state = 'connecting'
    try {
      await this._connect()
      this.#state = 'connected'
    } catch (err) {
      this.#state = 'idle'
      throw err
    } finally {
      this.#connecting = undefined
    }
  }

  async disconnect(): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'idle') {
      this.#state = 'closed'
      return
    }
    await this.#connecting?.catch(() => undefined)
    this.#state = 'closed'
    await this._disconnect()
  }

  async health(): Promise<AdapterHealth> {
    if (this.#state !== 'connected')
      return { ok: false, error: `${this.alias} (${this.driver}) is ${this.#state}` }
    return this._health()
  }

  /** Opens the driver's resources. */
  protected abstract _connect(): Promise<void>
  /** Closes the driver's resources. */
  protected abstract _disconnect(): Promise<void>
  /** Checks the connection; called only while connected. */
  protected async _health(): Promise<AdapterHealth> {
    return { ok: true }
  }
}
