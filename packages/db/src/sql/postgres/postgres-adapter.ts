import type { PoolConfig } from 'pg'
import { PostgresDialect, type Dialect, type PostgresPool } from 'kysely'
import { parseOptions } from '@mega/observe/internal'
import { loadDriver } from '../../load-driver.js'
import {
  describeServer,
  MegaSqlAdapter,
  type SqlAdapterSeams,
  type SqlErrorFacts,
} from '../sql-adapter.js'
import { pgPoolStats, type SqlPoolStats } from '../instrument/sql-pool-metrics.js'
import { serverFields } from '../sql-server-options.js'
import { classifyPostgresError } from './postgres-error-mapper.js'
import {
  postgresOptionsSchema,
  type PostgresOptions,
  type ResolvedPostgresOptions,
} from './postgres-options.js'

/** Seams of {@link PostgresAdapter}, with real defaults. */
export interface PostgresAdapterSeams extends SqlAdapterSeams {
  /** Creates the pool from the resolved `pg` config. @default (config) => new pg.Pool(config), `pg` loaded on connect */
  readonly createPool?: (config: PoolConfig) => PostgresPool
}

/** The `pg` pool config for resolved options. */
export function postgresPoolConfig(options: ResolvedPostgresOptions): PoolConfig {
  const server: PoolConfig =
    options.url === undefined ? serverFields(options) : { connectionString: options.url }
  return {
    ...server,
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
    max: options.pool.max,
    idleTimeoutMillis: options.pool.idleTimeoutMs,
    connectionTimeoutMillis: options.pool.connectionTimeoutMs,
    ...(options.statementTimeoutMs === undefined
      ? {}
      : { statement_timeout: options.statementTimeoutMs }),
  }
}

/** The default pool factory, once `pg` is loaded (on connect: it is a peer dependency). */
async function defaultCreatePool(alias: string): Promise<(config: PoolConfig) => PostgresPool> {
  const { Pool } = await loadDriver('pg', { alias, dialect: 'postgres' })
  return (config) => {
    const pool = new Pool(config)
    // An idle client's error (server restart) must not crash the process: the next query fails
    // and is mapped to MEGA_DB_UNAVAILABLE instead.
    pool.on('error', () => undefined)
    return pool
  }
}

/**
 * The `postgres` SQL adapter: Kysely over a `pg` pool.
 *
 * @example
 * const db = new PostgresAdapter('db', { url: 'postgres://postgres@127.0.0.1:5432/app' })
 * await db.connect()
 * await db.kysely<Database>().selectFrom('users').selectAll().execute()
 */
export class PostgresAdapter extends MegaSqlAdapter {
  readonly dialect = 'postgres' as const
  /** The validated, frozen options. */
  readonly options: Readonly<ResolvedPostgresOptions>
  readonly #createPool: ((config: PoolConfig) => PostgresPool) | undefined
  #pool: PostgresPool | undefined

  constructor(alias: string, options: PostgresOptions, seams: PostgresAdapterSeams = {}) {
    super('postgres', alias, seams)
    this.options = parseOptions(postgresOptionsSchema, options, `adapters.${alias}`)
    this.#createPool = seams.createPool
  }

  protected async _createDialect(): Promise<Dialect> {
    const createPool = this.#createPool ?? (await defaultCreatePool(this.alias))
    this.#pool = createPool(postgresPoolConfig(this.options))
    return new PostgresDialect({ pool: this.#pool })
  }

  protected override _poolStats(): SqlPoolStats | undefined {
    return this.#pool === undefined ? undefined : pgPoolStats(this.#pool)
  }

  protected _target(): string {
    return describeServer(this.options, this.options, 5432)
  }

  protected _classifyError(err: unknown): SqlErrorFacts | undefined {
    return classifyPostgresError(err)
  }
}
