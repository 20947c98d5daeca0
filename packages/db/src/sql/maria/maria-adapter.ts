import type { PoolOptions } from 'mysql2'
import { CompiledQuery, MysqlDialect, type Dialect, type MysqlPool } from 'kysely'
import { parseOptions } from '@mega/observe/internal'
import { loadDriver } from '../../load-driver.js'
import {
  describeServer,
  MegaSqlAdapter,
  type SqlAdapterSeams,
  type SqlErrorFacts,
} from '../sql-adapter.js'
import { mysql2PoolStats, type SqlPoolStats } from '../instrument/sql-pool-metrics.js'
import { serverFields } from '../sql-server-options.js'
import { classifyMariaError } from './maria-error-mapper.js'
import {
  mariaOptionsSchema,
  type MariaOptions,
  type ResolvedMariaOptions,
} from './maria-options.js'

/** Seams of {@link MariaAdapter}, with real defaults. */
export interface MariaAdapterSeams extends SqlAdapterSeams {
  /** Creates the (callback) pool Kysely's MysqlDialect expects. @default mysql2 createPool, `mysql2` loaded on connect */
  readonly createPool?: (config: PoolOptions) => MysqlPool
}

/** The `mysql2` pool options for resolved options. */
export function mariaPoolConfig(options: ResolvedMariaOptions): PoolOptions {
  const server: PoolOptions =
    options.url === undefined ? serverFields(options) : { uri: options.url }
  const ssl = options.ssl === true ? {} : options.ssl === false ? undefined : options.ssl
  return {
    ...server,
    ...(ssl === undefined ? {} : { ssl }),
    connectionLimit: options.pool.max,
    maxIdle: options.pool.max,
    idleTimeout: options.pool.idleTimeoutMs,
    connectTimeout: options.pool.connectionTimeoutMs,
  }
}

/**
 * The `maria` SQL adapter: Kysely over a `mysql2` pool, for MariaDB (and MySQL).
 *
 * @example
 * const db = new MariaAdapter('db', { url: 'mysql://root@127.0.0.1:3306/app' })
 * await db.connect()
 * await db.kysely<Database>().selectFrom('users').selectAll().execute()
 */
export class MariaAdapter extends MegaSqlAdapter {
  readonly dialect = 'maria' as const
  /** The validated, frozen options. */
  readonly options: Readonly<ResolvedMariaOptions>
  readonly #createPool: ((config: PoolOptions) => MysqlPool) | undefined
  #pool: MysqlPool | undefined

  constructor(alias: string, options: MariaOptions, seams: MariaAdapterSeams = {}) {
    super('maria', alias, seams)
    this.options = parseOptions(mariaOptionsSchema, options, `adapters.${alias}`)
    this.#createPool = seams.createPool
  }

  protected async _createDialect(): Promise<Dialect> {
    const timeoutMs = this.options.statementTimeoutMs
    const createPool =
      this.#createPool ??
      (await loadDriver('mysql2', { alias: this.alias, dialect: 'maria' })).createPool
    this.#pool = createPool(mariaPoolConfig(this.options))
    return new MysqlDialect({
      pool: this.#pool,
      ...(timeoutMs === undefined
        ? {}
        : {
            onCreateConnection: async (connection) => {
              const seconds = timeoutMs / 1000
              await connection.executeQuery(
                CompiledQuery.raw(`SET SESSION max_statement_time = ${seconds}`),
              )
            },
          }),
    })
  }

  protected override _poolStats(): SqlPoolStats | undefined {
    return this.#pool === undefined ? undefined : mysql2PoolStats(this.#pool)
  }

  protected _target(): string {
    return describeServer(this.options, this.options, 3306)
  }

  protected _classifyError(err: unknown): SqlErrorFacts | undefined {
    return classifyMariaError(err)
  }
}
