import pino, { type Logger } from 'pino'
import { CORE_ERRORS } from '../errors.js'

/** Services of an app by name. Augment `MegaServices` to type `ctx.services.<name>`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MegaServices {}

/**
 * The app's own settings (`settings` in mega.config.ts). Augment `MegaSettings` to type them:
 * `declare module '@mega/core' { interface MegaSettings { staffEmails: string[] } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MegaSettings {}

/**
 * The app's adapters by alias. Augment `MegaAdapters` to type `ctx.db()`, `this.db()` in services
 * and `app.adapter('cache')` without a cast:
 * `declare module '@mega/core' { interface MegaAdapters { db: SqlDbAdapter } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MegaAdapters {}

/** The type of the adapter under `alias`: its {@link MegaAdapters} entry, else `unknown`. */
export type AdapterOf<A extends string> = A extends keyof MegaAdapters ? MegaAdapters[A] : unknown

/**
 * `ctx.db()`, `this.cache('sessions')`...: an adapter by alias, typed by {@link MegaAdapters}. With no
 * alias it is the default `D`; `<T>(alias?)` names the type explicitly.
 */
export interface AdapterAccessor<D extends string> {
  (): AdapterOf<D>
  <A extends string>(alias: A): AdapterOf<A>
  <T>(alias?: string): T
}

/**
 * The shared method behind an {@link AdapterAccessor}, for a prototype whose instances have `app`:
 * `this.app.adapter(alias ?? fallback)`.
 */
export function adapterAccessor<D extends string>(fallback: D): AdapterAccessor<D> {
  function adapter(this: { readonly app: AppScope }, alias?: string): unknown {
    return this.app.adapter(alias ?? fallback)
  }
  return adapter as unknown as AdapterAccessor<D>
}

/** What handlers and services reach of their app: name, services, adapters, logger, settings. */
export interface AppScope {
  readonly name: string
  readonly services: MegaServices & Readonly<Record<string, unknown>>
  /** The process logger, bound to `{ app: name }`. */
  readonly log: Logger
  /** `settings` from mega.config.ts (the same object for every app). */
  readonly settings: MegaSettings & Readonly<Record<string, unknown>>
  /**
   * An adapter by alias, typed by {@link MegaAdapters} (or by an explicit `adapter<T>(alias)`);
   * throws `MEGA_ADAPTER_NOT_FOUND` naming the configured aliases.
   */
  adapter<A extends string>(alias: A): AdapterOf<A>
  adapter<T>(alias: string): T
}

let silent: Logger | undefined
const silentLogger = () => (silent ??= pino({ enabled: false }))

/** The logger and settings of an app scope; both optional (a silent logger, no settings). */
export interface AppScopeExtras {
  readonly log?: Logger
  readonly settings?: Readonly<Record<string, unknown>>
}

/** Builds an app scope over a map of adapters (by alias) and services (by name). */
export function createAppScope(
  name: string,
  adapters: ReadonlyMap<string, unknown> = new Map(),
  services: Readonly<Record<string, unknown>> = {},
  extras: AppScopeExtras = {},
): AppScope {
  return {
    name,
    services,
    log: (extras.log ?? silentLogger()).child({ app: name }),
    settings: extras.settings ?? {},
    adapter(alias: string): never {
      const found = adapters.get(alias)
      if (found === undefined) {
        const known = [...adapters.keys()].join(', ') || 'none'
        throw CORE_ERRORS.create('MEGA_ADAPTER_NOT_FOUND', [alias, known, name])
      }
      return found as never
    },
  }
}
