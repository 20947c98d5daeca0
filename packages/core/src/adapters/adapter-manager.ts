import {
  MegaConfigError,
  type HealthRegistry,
  type MegaIssue,
  type ShutdownCoordinator,
} from '@mega/observe'
import { zodIssues } from '@mega/observe/internal'
import { ADAPTER_KINDS, type AdapterKind, type MegaAdapter } from './adapter-types.js'
import {
  KNOWN_DRIVER_PACKAGES,
  type DriverDefinition,
  type DriverRegistry,
} from './driver-registry.js'
import type { AdapterMetricsSink } from './instrument/adapter-telemetry.js'
import { instrumentAdapter } from './instrument/instrument-adapter.js'
import { CORE_ERRORS } from '../errors.js'

/** One `adapters.<alias>` entry of the config. */
export interface AdapterConfig {
  readonly driver: string
  /** Needed only when neither the alias (`cache`, `db`...) nor the driver implies the kind. */
  readonly kind?: AdapterKind
  readonly [option: string]: unknown
}

/** Options of {@link AdapterManager}. */
export interface AdapterManagerOptions {
  readonly registry: DriverRegistry
  /** Namespace passed to drivers (cache key prefixes). @default 'mega' */
  readonly app?: string
  /** Where each adapter's readiness check is registered as `adapter:<alias>`. */
  readonly health?: Pick<HealthRegistry, 'register' | 'unregister'>
  /** Where each adapter's disconnect is registered as `adapter:<alias>` (runs in reverse order). */
  readonly shutdown?: Pick<ShutdownCoordinator, 'register' | 'unregister'>
  /**
   * The app's metrics: passed to each driver (`DriverContext.metrics`) and recorded by the wrapper
   * of cache and lock adapters (hits, misses, lock waits). Spans are opened either way.
   * @default undefined (no metrics)
   */
  readonly metrics?: AdapterMetricsSink
  /**
   * The project root, passed to each driver (`DriverContext.root`): a relative path in an adapter's
   * options (a SQLite `filename`) means relative to it, wherever the process was started.
   * @default process.cwd()
   */
  readonly root?: string
}

interface Plan {
  readonly alias: string
  readonly kind: AdapterKind
  readonly driver: DriverDefinition
  readonly options: Readonly<Record<string, unknown>>
}

function kindOf(
  alias: string,
  entry: AdapterConfig,
  driver: DriverDefinition,
): AdapterKind | undefined {
  if (entry.kind !== undefined) return entry.kind
  if ((ADAPTER_KINDS as readonly string[]).includes(alias)) return alias as AdapterKind
  return driver.kinds.length === 1 ? driver.kinds[0] : undefined
}

function missingDriver(alias: string, name: string): MegaIssue {
  const pkg = KNOWN_DRIVER_PACKAGES[name]
  const message =
    pkg === undefined
      ? `unknown driver "${name}": use "memory" or a driver a Mega package provides (${Object.keys(KNOWN_DRIVER_PACKAGES).join(', ')})`
      : `driver "${name}" is provided by ${pkg}, which is not installed: run "pnpm add ${pkg}"`
  return { path: `adapters.${alias}.driver`, message }
}

/**
 * Creates the configured adapters, connects them in parallel, registers their health checks and
 * shutdown hooks, and disconnects them in reverse order. A configuration problem is reported before
 * anything connects; a failed connection closes the adapters that did connect.
 */
export class AdapterManager {
  readonly #options: AdapterManagerOptions
  readonly #adapters = new Map<string, MegaAdapter>()

  constructor(options: AdapterManagerOptions) {
    this.#options = options
  }

  /** The connected adapters by alias, in config order. */
  get adapters(): ReadonlyMap<string, MegaAdapter> {
    return this.#adapters
  }

  /** Validates every entry, then creates and connects all adapters in parallel. */
  async connectAll(config: Readonly<Record<string, AdapterConfig>>): Promise<void> {
    const plans = await this.#plan(config)
    const metrics = this.#options.metrics
    const adapters = plans.map((p) =>
      instrumentAdapter(
        p.driver.create({
          alias: p.alias,
          kind: p.kind,
          app: this.#options.app ?? 'mega',
          root: this.#options.root ?? process.cwd(),
          options: p.options,
          ...(metrics === undefined ? {} : { metrics }),
        }),
        metrics === undefined ? {} : { metrics },
      ),
    )
    const results = await Promise.allSettled(adapters.map((a) => a.connect()))
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected'
        ? [{ alias: plans[i]?.alias ?? '?', reason: r.reason as unknown }]
        : [],
    )
    if (failed.length > 0) {
      await Promise.allSettled([...adapters].reverse().map((a) => a.disconnect()))
      const list = failed
        .map(
          (f) => `${f.alias} (${f.reason instanceof Error ? f.reason.message : String(f.reason)})`,
        )
        .join(', ')
      throw CORE_ERRORS.create('MEGA_ADAPTER_CONNECT_FAILED', [list], {
        cause: failed[0]?.reason,
        details: { failed: failed.map((f) => f.alias) },
      })
    }
    adapters.forEach((adapter) => this.#track(adapter))
  }

  async #plan(config: Readonly<Record<string, AdapterConfig>>): Promise<Plan[]> {
    const issues: MegaIssue[] = []
    const plans: Plan[] = []
    for (const [alias, entry] of Object.entries(config)) {
      const { driver: name, kind: _kind, ...options } = entry
      const driver = await this.#options.registry.resolve(name)
      if (driver === undefined) {
        issues.push(missingDriver(alias, name))
        continue
      }
      const kind = kindOf(alias, entry, driver)
      if (kind === undefined || !driver.kinds.includes(kind)) {
        issues.push({
          path: `adapters.${alias}.kind`,
          message: `driver "${name}" serves ${driver.kinds.join(', ')}: set kind to one of them`,
        })
        continue
      }
      const parsed =
        driver.options === undefined
          ? { success: true as const, data: options }
          : driver.options.safeParse(options)
      if (!parsed.success) issues.push(...zodIssues(parsed.error, `adapters.${alias}`))
      else plans.push({ alias, kind, driver, options: parsed.data as Record<string, unknown> })
    }
    if (issues.length > 0) throw new MegaConfigError('adapters', issues)
    return plans
  }

  #track(adapter: MegaAdapter): void {
    this.#adapters.set(adapter.alias, adapter)
    const name = `adapter:${adapter.alias}`
    this.#options.health?.register(name, () => adapter.health())
    this.#options.shutdown?.register(name, () => this.#close(adapter))
  }

  async #close(adapter: MegaAdapter): Promise<void> {
    this.#adapters.delete(adapter.alias)
    this.#options.health?.unregister(`adapter:${adapter.alias}`)
    await adapter.disconnect()
  }

  /** An adapter by alias; throws `MEGA_ADAPTER_NOT_FOUND` naming the configured aliases. */
  get<T extends MegaAdapter = MegaAdapter>(alias: string): T {
    const adapter = this.#adapters.get(alias)
    if (adapter !== undefined) return adapter as T
    const known = [...this.#adapters.keys()].join(', ') || 'none'
    throw CORE_ERRORS.create('MEGA_ADAPTER_NOT_FOUND', [alias, known])
  }

  /** Disconnects every adapter in reverse order; resolves with the aliases that failed to close. */
  async disconnectAll(): Promise<string[]> {
    const failed: string[] = []
    for (const adapter of [...this.#adapters.values()].reverse()) {
      this.#options.shutdown?.unregister(`adapter:${adapter.alias}`)
      await this.#close(adapter).catch(() => failed.push(adapter.alias))
    }
    return failed
  }
}
