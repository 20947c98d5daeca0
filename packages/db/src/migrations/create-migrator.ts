// One entry point for every database: a SQL adapter gets the SQL runner, a Mongo adapter the Mongo
// runner. Both return the same Migrator.
import { isMongoDatabase } from '../mongo/mongo-adapter.js'
import { createMongoMigrator, type MongoMigratorConfig } from './mongo-runner.js'
import type { Migrator, MigratorConfig } from './migrator-config.js'
import { createSqlMigrator } from './runner.js'

/** What {@link createMigrator} takes: the SQL migrator's config, or the Mongo one's. */
export type AnyMigratorConfig = MigratorConfig | MongoMigratorConfig

function isMongoConfig(config: AnyMigratorConfig): config is MongoMigratorConfig {
  return isMongoDatabase(config.db)
}

/**
 * Creates the migrator of an app, for a database of any dialect: `createMongoMigrator` when
 * `db.dialect` is `mongo`, else the SQL runner (`createSqlMigrator`). Each validates its own options.
 *
 * @example
 * const migrator = createMigrator({ db: app.adapters.get('db'), root: process.cwd() })
 * const results = await migrator.up()
 */
export function createMigrator(config: AnyMigratorConfig): Migrator {
  return isMongoConfig(config) ? createMongoMigrator(config) : createSqlMigrator(config)
}
