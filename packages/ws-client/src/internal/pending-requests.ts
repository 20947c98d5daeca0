import { wsClientError, type MegaWsClientError } from '../errors.js'

interface Pending {
  readonly type: string
  readonly resolve: (data: unknown) => void
  readonly reject: (err: MegaWsClientError) => void
  readonly timer: ReturnType<typeof setTimeout>
}

/** Timers that only watch must not keep a Node process alive (browsers return a number: no-op). */
export function unref(timer: ReturnType<typeof setTimeout>): void {
  ;(timer as { unref?: () => void }).unref?.()
}

/** Requests waiting for their `mega.reply` or `mega.error`, each with its timeout. */
export class PendingRequests {
  readonly #byId = new Map<string, Pending>()

  get size(): number {
    return this.#byId.size
  }

  add(id: string, type: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#byId.delete(id)
        reject(
          wsClientError(
            'MEGA_WSC_TIMEOUT',
            `No answer to "${type}" within ${timeoutMs} ms: the server may be slow or the handler returned nothing; raise timeoutMs or check the server log.`,
          ),
        )
      }, timeoutMs)
      unref(timer)
      this.#byId.set(id, { type, resolve, reject, timer })
    })
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

  /** Rejects every waiting request (the socket closed: none of them can be answered now). */
  rejectAll(why: string): void {
    for (const [id, pending] of [...this.#byId]) {
      this.#byId.delete(id)
      clearTimeout(pending.timer)
      pending.reject(
        wsClientError(
          'MEGA_WSC_CLOSED',
          `"${pending.type}" got no answer: ${why}. Send it again once the client is open (it may have run on the server).`,
        ),
      )
    }
  }
}
