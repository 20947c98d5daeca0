// A small typed emitter (no Node `events` in a browser build). A listener that throws never changes
// what the client decided: its error goes to the `error` listeners (or is dropped if one of those throws).

type Listener<A> = (arg: A) => void

/** Listeners by event name; `names` is the closed list an unknown name is checked against. */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>()
  readonly #onListenerError: (err: unknown) => void

  constructor(onListenerError: (err: unknown) => void) {
    this.#onListenerError = onListenerError
  }

  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(name)
    if (set === undefined) this.#listeners.set(name, (set = new Set()))
    set.add(listener)
    return () => this.off(name, listener)
  }

  off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(name)?.delete(listener)
  }

  emit<K extends keyof Events>(name: K, arg: Events[K]): void {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) {
      try {
        ;(listener as Listener<Events[K]>)(arg)
      } catch (err) {
        this.#onListenerError(err)
      }
    }
  }

  count(name: keyof Events): number {
    return this.#listeners.get(name)?.size ?? 0
  }

  clear(): void {
    this.#listeners.clear()
  }
}
