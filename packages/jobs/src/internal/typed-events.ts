/** Calls listeners by event name; a listener that throws is reported, never changes the emitter. */
export class TypedEvents<E extends object> {
  readonly #listeners = new Map<keyof E, Set<(payload: never) => void>>()
  readonly #names: ReadonlySet<keyof E>
  readonly #onError: (error: unknown, event: keyof E) => void
  readonly #unknown: (event: string) => Error

  constructor(
    names: readonly (keyof E)[],
    onError: (error: unknown, event: keyof E) => void,
    unknown: (event: string) => Error,
  ) {
    this.#names = new Set(names)
    this.#onError = onError
    this.#unknown = unknown
  }

  /** Adds `listener`; returns a function that removes it. Unknown names throw. */
  on<K extends keyof E>(event: K, listener: (payload: E[K]) => void): () => void {
    if (!this.#names.has(event)) throw this.#unknown(String(event))
    let set = this.#listeners.get(event)
    if (set === undefined) this.#listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => this.off(event, listener)
  }

  /** Removes `listener` (no-op when it was not added). */
  off<K extends keyof E>(event: K, listener: (payload: E[K]) => void): void {
    this.#listeners.get(event)?.delete(listener)
  }

  /** Calls every listener of `event` with `payload`, reporting (not throwing) listener errors. */
  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.#listeners.get(event)
    if (set === undefined) return
    for (const listener of [...set]) {
      try {
        ;(listener as (payload: E[K]) => void)(payload)
      } catch (err) {
        this.#onError(err, event)
      }
    }
  }
}
