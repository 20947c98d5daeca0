// mega-framework: one import for every @mega/* package's public API. Each package's own index names
// its exports explicitly; this meta-package only forwards them.
import type { DriverDefinition } from '@mega/core'
import { megaDrivers as dbDrivers } from '@mega/db'
import { megaDrivers as jobsDrivers } from '@mega/jobs'

export * from '@mega/observe'
export * from '@mega/core'
export * from '@mega/db'
export * from '@mega/ws'
export * from '@mega/ws-hub'
export * from '@mega/ws-client'
export * from '@mega/jobs'

/**
 * Every driver of the forwarded packages (`@mega/db`'s and `@mega/jobs`'s), the one name both packages
 * export so core finds them by package: this explicit export takes precedence over the two forwarded
 * ones, which would otherwise clash.
 */
export const megaDrivers: readonly DriverDefinition[] = Object.freeze([
  ...dbDrivers,
  ...jobsDrivers,
])
