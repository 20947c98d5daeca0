import type { PresenceMember } from '../presence/presence-types.js'
import { generateMessageId } from '../protocol/ulid.js'
import type { HubLinkLogger } from './hub-link-config.js'

interface Query {
  readonly resolve: (members: PresenceMember[] | undefined) => void
  readonly timer: ReturnType<typeof setTimeout>
}

/** `presence_query`s waiting for their `presence_result`, by request id, each with a timeout. */
export class PresenceQueries {
  readonly #pending = new Map<string, Query>()
  readonly #timeoutMs: number
  readonly #log: HubLinkLogger

  constructor(timeoutMs: number, log: HubLinkLogger) {
    this.#timeoutMs = timeoutMs
    this.#log = log
  }

  /**
   * Sends a query through `send(requestId)`; resolves the answer, or `undefined` when there is none:
   * on timeout (warned) or when the session ends first.
   */
  ask(ns: string, send: (requestId: string) => void): Promise<PresenceMember[] | undefined> {
    const requestId = generateMessageId()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId)
        this.#log.warn(
          { ns, timeoutMs: this.#timeoutMs },
          'hub link: no presence_result in time; going on with local members only',
        )
        resolve(undefined)
      }, this.#timeoutMs)
      timer.unref()
      this.#pending.set(requestId, { resolve, timer })
      send(requestId)
    })
  }

  answer(requestId: string, members: PresenceMember[]): void {
    const query = this.#pending.get(requestId)
    if (query === undefined)
      return this.#log.debug({ requestId }, 'hub link: a late or unknown presence_result')
    this.#pending.delete(requestId)
    clearTimeout(query.timer)
    query.resolve(members)
  }

  /** The session ended: every waiting query resolves `undefined` (no answer). */
  cancelAll(): void {
    for (const query of this.#pending.values()) {
      clearTimeout(query.timer)
      query.resolve(undefined)
    }
    this.#pending.clear()
  }
}
