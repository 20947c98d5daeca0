import { unref } from './pending-requests.js'

/** What the watcher does when the link has been silent too long. */
export interface LivenessActions {
  ping(): void
  dead(): void
}

/**
 * Watches a socket browsers cannot ping: after `pingMs` without a frame it sends an app-level
 * `mega.ping` (the server answers `mega.pong`), and after `idleMs` without one it calls the link dead.
 */
export class Liveness {
  #last = Date.now()
  #pinged = false
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #pingMs: number
  readonly #idleMs: number
  readonly #actions: LivenessActions

  constructor(pingMs: number, idleMs: number, actions: LivenessActions) {
    this.#pingMs = pingMs
    this.#idleMs = idleMs
    this.#actions = actions
    this.#schedule()
  }

  /** A frame arrived. */
  saw(): void {
    this.#last = Date.now()
    this.#pinged = false
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #schedule(): void {
    const due = [
      this.#pingMs > 0 && !this.#pinged ? this.#last + this.#pingMs : Infinity,
      this.#idleMs > 0 ? this.#last + this.#idleMs : Infinity,
    ]
    const next = Math.min(...due)
    if (next === Infinity) return
    this.#timer = setTimeout(() => this.#check(), Math.max(0, next - Date.now()))
    unref(this.#timer)
  }

  #check(): void {
    const silent = Date.now() - this.#last
    if (this.#idleMs > 0 && silent >= this.#idleMs) {
      this.#timer = undefined
      return this.#actions.dead()
    }
    if (this.#pingMs > 0 && !this.#pinged && silent >= this.#pingMs) {
      this.#pinged = true
      this.#actions.ping()
    }
    this.#schedule()
  }
}
