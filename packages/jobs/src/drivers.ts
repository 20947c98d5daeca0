import type { DriverDefinition } from '@mega/core'
import { natsDriver } from './bus/nats/nats-driver.js'

/**
 * The drivers this package provides. `@mega/core` loads them by name (`{ driver: 'nats' }`) from this
 * export when an app's config uses one; nothing needs registering by hand.
 */
export const megaDrivers: readonly DriverDefinition[] = Object.freeze([natsDriver])
