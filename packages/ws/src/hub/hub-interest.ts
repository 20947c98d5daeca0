/** The most names one `interest` list may carry (the protocol's bound). */
export const MAX_INTEREST_LIST = 10_000

/**
 * Names (namespaces or users) counted per local use, and what the hub was last told of them: a name
 * is announced when its first use comes and withdrawn when its last goes, once per burst.
 */
export class InterestSet {
  readonly #counts = new Map<string, number>()
  readonly #announced = new Set<string>()
  readonly #touched = new Set<string>()

  /** One use more; `true` when the set of names changed. */
  add(name: string): boolean {
    const count = (this.#counts.get(name) ?? 0) + 1
    this.#counts.set(name, count)
    if (count > 1) return false
    this.#touched.add(name)
    return true
  }

  /** One use fewer; `true` when the set of names changed. */
  remove(name: string): boolean {
    const count = this.#counts.get(name)
    if (count === undefined) return false
    if (count > 1) {
      this.#counts.set(name, count - 1)
      return false
    }
    this.#counts.delete(name)
    this.#touched.add(name)
    return true
  }

  /** Whether the name is in use now. */
  has(name: string): boolean {
    return this.#counts.has(name)
  }

  /** Every name in use now. */
  names(): string[] {
    return [...this.#counts.keys()]
  }

  /** What changed since the hub was last told (names added then removed in one burst cancel out). */
  diff(): { readonly add: string[]; readonly remove: string[] } {
    const add: string[] = []
    const remove: string[] = []
    for (const name of this.#touched) {
      const wanted = this.#counts.has(name)
      if (wanted && !this.#announced.has(name)) add.push(name)
      if (!wanted && this.#announced.has(name)) remove.push(name)
    }
    this.#touched.clear()
    for (const name of add) this.#announced.add(name)
    for (const name of remove) this.#announced.delete(name)
    return { add, remove }
  }

  /** Every name in use, now announced as a whole (after a reconnect). */
  reset(): string[] {
    this.#touched.clear()
    this.#announced.clear()
    for (const name of this.#counts.keys()) this.#announced.add(name)
    return [...this.#announced]
  }
}

/** Splits a list into chunks the protocol accepts. */
export function chunks<T>(list: readonly T[], size = MAX_INTEREST_LIST): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

type InterestFrame = {
  reset?: boolean
  addNs?: string[]
  removeNs?: string[]
  addUsers?: string[]
  removeUsers?: string[]
}

const fits = (max: number) => (name: string) => name.length > 0 && name.length <= max
const nsFits = fits(128)
const userFits = fits(256)

/** The namespaces and users a bridge has local connections for, as `interest` payloads. */
export class HubInterest {
  readonly ns = new InterestSet()
  readonly users = new InterestSet()

  /** The whole interest after a (re)registration: the first frame has `reset: true`. */
  resetFrames(): InterestFrame[] {
    const ns = chunks(this.ns.reset().filter(nsFits))
    const users = chunks(this.users.reset().filter(userFits))
    const frames: InterestFrame[] = []
    for (let i = 0; i < Math.max(1, ns.length, users.length); i++)
      frames.push({
        ...(i === 0 ? { reset: true } : {}),
        addNs: ns[i] ?? [],
        addUsers: users[i] ?? [],
      })
    return frames
  }

  /** What changed since the hub was last told: one frame, or none (more when a list is huge). */
  diffFrames(): InterestFrame[] {
    const ns = this.ns.diff()
    const users = this.users.diff()
    const lists = Object.entries({
      addNs: ns.add.filter(nsFits),
      removeNs: ns.remove.filter(nsFits),
      addUsers: users.add.filter(userFits),
      removeUsers: users.remove.filter(userFits),
    }).filter(([, list]) => list.length > 0)
    if (lists.length === 0) return []
    if (lists.every(([, list]) => list.length <= MAX_INTEREST_LIST))
      return [Object.fromEntries(lists)]
    return lists.flatMap(([key, list]) => chunks(list).map((chunk) => ({ [key]: chunk })))
  }
}
