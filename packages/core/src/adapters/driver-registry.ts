import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { z } from 'zod'
import { type MegaError } from '@mega/observe'
import type { AdapterKind, MegaAdapter } from './adapter-types.js'
import type { AdapterMetricsSink } from './instrument/adapter-telemetry.js'
import { CORE_ERRORS } from '../errors.js'

/** What a driver's factory receives for one configured adapter. */
export interface DriverContext {
  readonly alias: string
  readonly kind: AdapterKind
  /** The app (or `mega` for server-wide adapters) the adapter belongs to; used for namespacing. */
  readonly app: string
  /** The adapter's options from config, validated by the driver's `options` schema when it has one. */
  readonly options: Readonly<Record<string, unknown>>
  /**
   * The app's metrics (what its `/metrics` serves) when metrics are on: a driver records what only
   * it can see there (SQL query durations, pool usage). Cache and lock calls are recorded by the
   * manager's wrapper, not by the driver. @default undefined (metrics off)
   */
  readonly metrics?: AdapterMetricsSink
  /**
   * The project root (the folder holding `mega.config.ts`): a driver resolves a relative path in its
   * options (a SQLite `filename`) against it, not against the process's cwd.
   * @default process.cwd()
   */
  readonly root?: string
}

/** A driver: a name, the kinds it serves, an options schema and a factory. */
export interface DriverDefinition {
  readonly name: string
  readonly kinds: readonly AdapterKind[]
  /** zod schema of the adapter's options (everything but `driver` and `kind`). */
  readonly options?: z.ZodType
  create(context: DriverContext): MegaAdapter
}

/** Drivers provided by other packages, by name: what to install when one is missing. */
export const KNOWN_DRIVER_PACKAGES: Readonly<Record<string, string>> = Object.freeze({
  postgres: '@mega/db',
  maria: '@mega/db',
  sqlite: '@mega/db',
  mongo: '@mega/db',
  redis: '@mega/db',
  redlock: '@mega/db',
  file: '@mega/db',
  nats: '@mega/jobs',
})

/** Imports a driver package as seen from the app's root; `undefined` when it is not installed. */
export type DriverImporter = (packageName: string) => Promise<unknown>

/** Resolves packages from `root/package.json`, the way the app itself would import them. */
export function importFromRoot(root: string): DriverImporter {
  const require = createRequire(join(root, 'package.json'))
  return async (name) => {
    let resolved: string
    try {
      resolved = require.resolve(name)
    } catch {
      return undefined
    }
    return (await import(pathToFileURL(resolved).href)) as unknown
  }
}

function invalidDriver(message: string): MegaError {
  return CORE_ERRORS.create('MEGA_DRIVER_INVALID', [message])
}

/** Maps driver names to drivers; loads the package of a known driver on first use. */
export class DriverRegistry {
  readonly #drivers = new Map<string, DriverDefinition>()
  readonly #importer: DriverImporter

  constructor(
    drivers: readonly DriverDefinition[] = [],
    importer: DriverImporter = importFromRoot(process.cwd()),
  ) {
    this.#importer = importer
    for (const driver of drivers) this.register(driver)
  }

  /** Adds a driver; a second driver with the same name is refused. */
  register(driver: DriverDefinition): this {
    if (
      typeof driver?.name !== 'string' ||
      driver.name === '' ||
      typeof driver.create !== 'function'
    ) {
      throw invalidDriver(
        'A driver needs a non-empty name, its kinds and a create(context) function.',
      )
    }
    if (this.#drivers.has(driver.name))
      throw invalidDriver(`Driver "${driver.name}" is registered twice: register each driver once.`)
    this.#drivers.set(driver.name, driver)
    return this
  }

  /** The names of the registered drivers. */
  names(): string[] {
    return [...this.#drivers.keys()]
  }

  /**
   * The driver for `name`. A known driver from another package is loaded from that package's
   * `megaDrivers` export; `undefined` means the package is not installed or the name is unknown.
   */
  async resolve(name: string): Promise<DriverDefinition | undefined> {
    const found = this.#drivers.get(name)
    if (found !== undefined) return found
    const pkg = KNOWN_DRIVER_PACKAGES[name]
    if (pkg === undefined) return undefined
    const mod = (await this.#importer(pkg)) as
      { megaDrivers?: readonly DriverDefinition[] } | undefined
    for (const driver of mod?.megaDrivers ?? [])
      if (!this.#drivers.has(driver.name)) this.register(driver)
    return this.#drivers.get(name)
  }
}
