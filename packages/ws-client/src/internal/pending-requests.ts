import { wsClientError, type MegaWsClientError } from '../errors.js'

interface Pending {
  readonly type: string
  readonly resolve: (data: unknown) => void
  readonly reject: (err: MegaWsClientError) => void
  readonly timer: ReturnType<typeof setTimeout>
  /** Still in the send buffer: no socket has seen it, so a socket's close does not reject it. */
  held: boolean
}

/** Timers that only watch must not keep a Node process alive (browsers return a number: no-op). */
export function unref(timer: ReturnType<typeof setTimeout>): void {
  ;(timer as { unref?: () => void }).unref?.()
}

/**
 * Requests waiting for their `mega.reply` or `mega.error`, each with its timeout (running from the
 * call, also while the request waits in the send buffer).
 */
export class PendingRequests {
  readonly #byId = new Map<string, Pending>()
  readonly #onExpire: (id: string) => void

  /** `onExpire(id)` runs when a request times out (the client takes it out of the send buffer). */
  constructor(onExpire: (id: string) => void = () => undefined) {
    this.#onExpire = onExpire
  }

  get size(): number {
    return this.#byId.size
  }

  /** Waits for the answer to `id`; `held` while the request is buffered, not yet sent. */
  add(id: string, type: string, timeoutMs: number, held = false): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const pending = this.#byId.get(id)
        this.#byId.delete(id)
        this.#onExpire(id)
        reject(
          pending?.held === true
            ? wsClientError(
                'MEGA_WSC_TIMEOUT',
                `"${type}" was never sent within ${timeoutMs} ms: it waited in the send buffer while the client (re)connected. Raise timeoutMs, or check that the server is reachable.`,
              )
            : wsClientError(
                'MEGA_WSC_TIMEOUT',
                `No answer to "${type}" within ${timeoutMs} ms: the server may be slow or the handler returned nothing; raise timeoutMs or check the server log.`,
              ),
        )
      }, timeoutMs)
      unref(timer)
      this.#byId.set(id, { type, resolve, reject, timer, held })
    })
  }

  /** The held request `id` left the buffer for the socket: from now on a close rejects it. */
  sent(id: string): void {
    const pending = this.#byId.get(id)
    if (pending !== undefined) pending.held = false
  }

  /** Settles the request `id` answers; `false` when none waits for it. */
  settle(id: string, outcome: { data: unknown } | { error: MegaWsClientError }): boolean {
    const pending = this.#byId.get(id)
    if (pending === undefined) return false
    this.#byId.delete(id)
    clearTimeout(pending.timer)
    if ('error' in outcome) pending.reject(outcome.error)
    else pending.resolve(outcome.data)
    return true
  }

  /**
   * Rejects every request sent on the socket that closed (none of them can be answered now); with
   * `held`, the buffered ones too (the client closed for good: they will never be sent).
   */
  rejectAll(why: string, held = false): void {
    for (const [id, pending] of [...this.#byId]) {
      if (pending.held && !held) continue
      this.#byId.delete(id)
      clearTimeout(pending.timer)
      pending.reject(
        wsClientError(
          'MEGA_WSC_CLOSED',
          pending.held
            ? `"${pending.type}" was never sent: ${why}. Send it again on a new client if it still matters.`
            : `"${pending.type}" got no answer: ${why}. Send it again once the client is open (it may have run on the server).`,
        ),
      )
    }
  }
}
