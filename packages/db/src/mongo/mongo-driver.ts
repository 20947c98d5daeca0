import type { DriverContext, DriverDefinition, MegaAdapter } from '@mega/core'
import { MegaMongoAdapter } from './mongo-adapter.js'
import { mongoOptionsSchema, type MongoAdapterConfig } from './mongo-options.js'

/**
 * The `mongo` driver: a {@link MegaMongoAdapter} for the `db` kind, options validated by
 * {@link mongoOptionsSchema}.
 *
 * @example
 * // mega.config.ts
 * adapters: { db: { driver: 'mongo', url: env('MONGO_URL', 'mongodb://127.0.0.1:27017/app') } }
 */
export const mongoDriver: DriverDefinition = Object.freeze({
  name: 'mongo',
  kinds: ['db'] as const,
  options: mongoOptionsSchema,
  create({ alias, options }: DriverContext): MegaAdapter {
    return new MegaMongoAdapter(alias, options as unknown as MongoAdapterConfig)
  },
})
