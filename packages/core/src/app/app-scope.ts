import { MegaError } from '@mega/observe'

/** Services of an app by name. Augment `MegaServices` to type `ctx.services.<name>`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MegaServices {}

/** What handlers and services reach of their app: name, services, adapters by alias. */
export interface AppScope {
  readonly name: string
  readonly services: MegaServices & Readonly<Record<string, unknown>>
  /** An adapter by alias; throws `MEGA_ADAPTER_NOT_FOUND` naming the configured aliases. */
  adapter<T = unknown>(alias: string): T
}

/** Builds an app scope over a map of adapters (by alias) and services (by name). */
export function createAppScope(
  name: string,
  adapters: ReadonlyMap<string, unknown> = new Map(),
  services: Readonly<Record<string, unknown>> = {},
): AppScope {
  return {
    name,
    services,
    adapter<T>(alias: string): T {
      const found = adapters.get(alias)
      if (found === undefined) {
        const known = [...adapters.keys()].join(', ') || 'none'
        throw new MegaError(
          'MEGA_ADAPTER_NOT_FOUND',
          `App "${name}" has no adapter "${alias}" (configured: ${known}): add it under adapters in mega.config.ts.`,
          { statusCode: 500 },
        )
      }
      return found as T
    },
  }
}
