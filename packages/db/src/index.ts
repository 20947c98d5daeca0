export { DB_ERRORS, DB_ERROR_CODES, DB_ERROR_STATUS, dbError } from './errors.js'
export type { DbErrorCode } from './errors.js'
export { megaDrivers } from './drivers.js'

// SQL
export { SQL_DIALECTS } from './sql/sql-types.js'
export type { SqlDialect, SqlDatabase, SqlDbAdapter } from './sql/sql-types.js'
export { MegaSqlAdapter, sqlError, mapSqlError } from './sql/sql-adapter.js'
export { SQL_OPERATIONS } from './sql/instrument/sql-query-facts.js'
export type { SqlOperation } from './sql/instrument/sql-query-facts.js'
export { DB_SYSTEM_NAMES, DB_TRACER_NAME } from './sql/instrument/sql-query-recorder.js'
export type { SqlPoolStats } from './sql/instrument/sql-pool-metrics.js'
export type {
  SqlAdapterSeams,
  SqlErrorCode,
  SqlErrorFacts,
  SqlErrorClassifier,
} from './sql/sql-adapter.js'
export { postgresDriver, mariaDriver, sqliteDriver } from './sql/sql-drivers.js'
export { PostgresAdapter } from './sql/postgres/postgres-adapter.js'
export type { PostgresAdapterSeams } from './sql/postgres/postgres-adapter.js'
export { postgresOptionsSchema } from './sql/postgres/postgres-options.js'
export {
  DEFAULT_SQL_POOL_MAX,
  DEFAULT_SQL_CONNECTION_TIMEOUT_MS,
  DEFAULT_SQL_IDLE_TIMEOUT_MS,
} from './sql/sql-server-options.js'
export type { PostgresOptions, ResolvedPostgresOptions } from './sql/postgres/postgres-options.js'
export { mapPostgresError } from './sql/postgres/postgres-error-mapper.js'
export { MariaAdapter } from './sql/maria/maria-adapter.js'
export type { MariaAdapterSeams } from './sql/maria/maria-adapter.js'
export { mariaOptionsSchema } from './sql/maria/maria-options.js'
export type { MariaOptions, ResolvedMariaOptions } from './sql/maria/maria-options.js'
export { mapMariaError } from './sql/maria/maria-error-mapper.js'
export { SqliteAdapter } from './sql/sqlite/sqlite-adapter.js'
export { databaseTasks, dropAllTables } from './sql/database-tasks.js'
export { defineFactory } from './testing/define-factory.js'
export type { Factory, FactoryAttributes, FactoryValue } from './testing/define-factory.js'
export { prepareTestDatabases } from './testing/test-databases.js'
export type { PreparedTestDatabase } from './testing/test-databases.js'
export { withRollback } from './testing/with-rollback.js'
export type { RollbackApp, WithRollbackOptions } from './testing/with-rollback.js'
export type {
  DatabaseTasks,
  DatabaseTaskResult,
  DatabaseTasksOptions,
} from './sql/database-tasks.js'
export type { SqliteAdapterSeams } from './sql/sqlite/sqlite-adapter.js'
export {
  sqliteOptionsSchema,
  DEFAULT_SQLITE_FILENAME,
  DEFAULT_SQLITE_BUSY_TIMEOUT_MS,
} from './sql/sqlite/sqlite-options.js'
export type { SqliteOptions, ResolvedSqliteOptions } from './sql/sqlite/sqlite-options.js'
export { mapSqliteError } from './sql/sqlite/sqlite-error-mapper.js'

// Mongo
export { MegaMongoAdapter } from './mongo/mongo-adapter.js'
export type { MongoDatabase, MongoDbAdapter, MongoAdapterSeams } from './mongo/mongo-adapter.js'
export { mongoDriver } from './mongo/mongo-driver.js'
export {
  mongoOptionsSchema,
  DEFAULT_MONGO_MAX_POOL_SIZE,
  DEFAULT_MONGO_SERVER_SELECTION_TIMEOUT_MS,
} from './mongo/mongo-options.js'
export type { MongoAdapterConfig, ResolvedMongoOptions } from './mongo/mongo-options.js'
export { mapMongoError } from './mongo/mongo-error-mapper.js'
export { toMongoFilter, toMongoSort } from './mongo/mongo-filter.js'

// Key-value
export { redisDriver, redlockDriver, fileDriver } from './kv/kv-drivers.js'
export { RedisKvAdapter, createRedisClient } from './kv/redis/redis-client.js'
export { RedisCacheAdapter } from './kv/redis/redis-cache-adapter.js'
export { RedisSessionAdapter } from './kv/redis/redis-session-adapter.js'
export { RedisLockAdapter } from './kv/redis/redis-lock-adapter.js'
export { RedlockAdapter } from './kv/redis/redlock-adapter.js'
export {
  redlockOptionsSchema,
  DEFAULT_REDLOCK_NODE_TIMEOUT_MS,
  DEFAULT_REDLOCK_RETRY_COUNT,
  DEFAULT_REDLOCK_RETRY_DELAY_MS,
  DEFAULT_REDLOCK_DRIFT_FACTOR,
} from './kv/redis/redlock-options.js'
export type { RedlockOptions, RedlockOptionsInput } from './kv/redis/redlock-options.js'
export {
  redisOptionsSchema,
  DEFAULT_REDIS_KEY_PREFIX,
  DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
} from './kv/redis/redis-options.js'
export type { RedisOptions, RedisOptionsInput } from './kv/redis/redis-options.js'
export { FileStore, FileKvAdapter } from './kv/file/file-store.js'
export type { FileEnvelope } from './kv/file/file-store.js'
export { FileCacheAdapter } from './kv/file/file-cache-adapter.js'
export { FileSessionAdapter } from './kv/file/file-session-adapter.js'
export {
  fileOptionsSchema,
  DEFAULT_FILE_CACHE_DIR,
  DEFAULT_FILE_SESSION_DIR,
  DEFAULT_FILE_SWEEP_INTERVAL_MS,
} from './kv/file/file-options.js'
export type { FileOptions, FileOptionsInput } from './kv/file/file-options.js'
export { DEFAULT_KV_APP, MAX_KV_KEY_LENGTH } from './kv/kv-input.js'
export type { KvScope, KvClock } from './kv/kv-input.js'

// Models and CRUD
export { col, COLUMN_TYPES, ID_STRATEGIES, REFERENTIAL_ACTIONS, Column } from './model/column.js'
export type {
  ColumnType,
  IdStrategy,
  ReferentialAction,
  ColumnSpec,
  SqlDefault,
  AnyColumn,
} from './model/column.js'
export { defineModel, AUTOMATIC_COLUMNS } from './model/define-model.js'
export type { Model, AnyModel } from './model/define-model.js'
export type { DatabaseOf, TableOf } from './model/database-of.js'
export type {
  ColumnMap,
  ModelOptions,
  ModelIndex,
  SelectOf,
  InsertOf,
  UpdateOf,
  IdField,
} from './model/model-types.js'
export { ModelCrud } from './crud/model-crud.js'
export {
  MongoModelCrud,
  createMongoCrud,
  DEFAULT_MONGO_COUNTERS_COLLECTION,
} from './crud/mongo-crud.js'
export type { MongoCrudOptions } from './crud/mongo-crud.js'
export { createCrud } from './crud/create-crud.js'
export type {
  Crud,
  IntegerColumn,
  ListQuery,
  PageQuery,
  CursorQuery,
  Page,
  CursorPage,
  ReadOptions,
} from './crud/crud.js'
export type { CrudOptions } from './crud/crud-options.js'
export { FILTER_OPERATORS } from './crud/filter-types.js'
export type {
  FilterOperator,
  FilterScalar,
  FilterCondition,
  FieldFilter,
  ModelFilter,
  SortSpec,
} from './crud/filter-types.js'

// Migrations: the shared contract
export {
  SCHEMA_FORMAT_VERSION,
  MIGRATION_OPERATIONS,
  MIGRATION_STATUSES,
} from './migrations/migration-types.js'
export type {
  ForeignKeySchema,
  ColumnSchema,
  IndexSchema,
  TableSchema,
  DatabaseSchema,
  MigrationOperation,
  MigrationOperationName,
  MigrationSchema,
  MigrationModule,
  MigrationDialect,
  MigrationStatus,
  MigrationResult,
} from './migrations/migration-types.js'
// Migrations: dialects
export { createMigrationSchema, applyOperation, EMPTY_SCHEMA } from './migrations/schema-builder.js'
export type { RecordingMigrationSchema } from './migrations/schema-builder.js'
export { getMigrationDialect, registerMigrationDialect } from './migrations/dialect-registry.js'
export { postgresMigrationDialect } from './sql/postgres/postgres-migration-dialect.js'
export { mariaMigrationDialect } from './sql/maria/maria-migration-dialect.js'
export { sqliteMigrationDialect } from './sql/sqlite/sqlite-migration-dialect.js'
export type { SqliteMigrationDialect } from './sql/sqlite/sqlite-migration-dialect.js'
export { mongoMigrationDialect, mongoValidator } from './mongo/mongo-migration-dialect.js'
export type {
  MongoMigrationCommand,
  MongoMigrationDialect,
} from './mongo/mongo-migration-dialect.js'
export { introspectSchema, canonicalSchema } from './migrations/introspect.js'
export type { IntrospectOptions } from './migrations/introspect.js'
// Migrations: generating
export { scanModels } from './migrations/model-scan.js'
export type { ModelScan, SchemaRenames, ScannableModel } from './migrations/model-scan.js'
export { diffSchemas, invertOperations } from './migrations/differ.js'
export type { DiffOptions } from './migrations/differ.js'
export { createJournal, JOURNAL_DIR } from './migrations/journal.js'
export type { Journal, JournalFs, JournalOptions, HistoryEntry } from './migrations/journal.js'
export { generateMigration, generateEmptyMigration } from './migrations/generate.js'
export { migrationNameFor } from './migrations/migration-name.js'
export type {
  GenerateMigrationOptions,
  GeneratedMigration,
  GenerateEmptyMigrationOptions,
} from './migrations/generate.js'
export { checkMigrations, assertMigrationsCovered, describeOperation } from './migrations/check.js'
export { removeLastMigration } from './migrations/remove-migration.js'
export type { RemoveLastMigrationOptions, RemovedMigration } from './migrations/remove-migration.js'
export type { CheckMigrationsOptions, CheckMigrationsResult } from './migrations/check.js'
export { loadModels, isModel } from './migrations/load-models.js'
export type { LoadModelsOptions, ModelImporter } from './migrations/load-models.js'
// Migrations: running and locking (createMigrator picks the SQL or the Mongo runner from db.dialect)
export { createMigrator } from './migrations/create-migrator.js'
export type { AnyMigratorConfig } from './migrations/create-migrator.js'
export { createMongoMigrator, mongoMigratorConfigSchema } from './migrations/mongo-runner.js'
export type {
  MongoMigratorConfig,
  MigratableMongoDatabase,
  MongoMigrationDocument,
} from './migrations/mongo-runner.js'
export { acquireMongoMigrationLock } from './mongo/mongo-migration-lock.js'
export type { MongoMigrationLockConfig, MongoLockDocument } from './mongo/mongo-migration-lock.js'
export { DEFAULT_MIGRATIONS_TABLE } from './migrations/migrator-config.js'
export type {
  MigratorConfig,
  MigrateUpOptions,
  MigrateDownOptions,
  Migrator,
} from './migrations/migrator-config.js'
export {
  acquireMigrationLock,
  migrationLockHolder,
  MIGRATION_LOCK_MODES,
  DEFAULT_MIGRATION_LOCK_TIMEOUT_MS,
  DEFAULT_MIGRATION_LOCK_TTL_MS,
  DEFAULT_MIGRATION_LOCK_POLL_MS,
} from './migrations/lock.js'
export type {
  MigrationLockMode,
  MigrationLockConfig,
  HeldMigrationLock,
} from './migrations/lock.js'
export {
  loadMigrationFiles,
  migrationChecksum,
  migrationsDir,
  MIGRATION_FILE_PATTERN,
  DEFAULT_MIGRATION_APP,
} from './migrations/migration-files.js'
export type {
  MigrationFile,
  MigrationFilesOptions,
  MigrationImporter,
  MigrationFileSystem,
} from './migrations/migration-files.js'
export type { AppliedMigration } from './migrations/migration-bookkeeping.js'

/**
 * Kysely's `sql` tag, re-exported so queries beyond CRUD need no second import: values interpolated
 * into it are bound parameters, `sql.ref('col')` is an identifier, `sql.raw()` is raw text (never
 * pass input to it). See https://kysely.dev/docs/recipes/raw-sql.
 *
 * @example
 * const rows = await ctx.db<SqlDbAdapter>().kysely().selectFrom('links')
 *   .select(sql<number>`count(*)`.as('n')).execute()
 */
export { sql } from 'kysely'
