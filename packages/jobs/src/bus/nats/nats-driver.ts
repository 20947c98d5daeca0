import type { DriverContext, DriverDefinition, MegaAdapter } from '@mega/core'
import { NatsBusAdapter } from './nats-bus-adapter.js'
import { natsOptionsSchema } from './nats-options.js'

/**
 * The `nats` driver (`@nats-io/transport-node`): a bus on core NATS that behaves like the `memory`
 * bus, so moving from one to the other is one config line. Subjects are not prefixed per app: the bus
 * is where services meet, and the memory bus has no namespace either (see the README).
 *
 * @example
 * adapters: { bus: { driver: 'nats', url: 'nats://127.0.0.1:4222' } }
 */
export const natsDriver: DriverDefinition = Object.freeze({
  name: 'nats',
  kinds: ['bus'] as const,
  options: natsOptionsSchema,
  create({ alias, kind, app, options }: DriverContext): MegaAdapter {
    if (kind !== 'bus') throw new TypeError(`The nats driver has no ${kind} kind`)
    return new NatsBusAdapter(alias, options, { app })
  },
})
