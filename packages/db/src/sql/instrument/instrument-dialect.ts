import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely'
import type { QueryDone } from './sql-query-recorder.js'

type Recorder = (query: CompiledQuery) => QueryDone

/** A connection whose statements go through the recorder; the driver gets `inner` back on release. */
class InstrumentedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    readonly record: Recorder,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const done = this.record(query)
    try {
      const result = await this.inner.executeQuery<R>(query)
      done()
      return result
    } catch (error) {
      done({ error })
      throw error
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number) {
    const done = this.record(query)
    let failed: { error: unknown } | undefined
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize)
    } catch (error) {
      failed = { error }
      throw error
    } finally {
      done(failed)
    }
  }
}

function instrumentDriver(inner: Driver, record: Recorder): Driver {
  const wrapped = new WeakMap<DatabaseConnection, InstrumentedConnection>()
  const unwrap = (c: DatabaseConnection) => (c instanceof InstrumentedConnection ? c.inner : c)
  const driver: Driver = {
    init: () => inner.init(),
    acquireConnection: async () => {
      const connection = await inner.acquireConnection()
      let found = wrapped.get(connection)
      if (found === undefined) {
        found = new InstrumentedConnection(connection, record)
        wrapped.set(connection, found)
      }
      return found
    },
    // Transaction statements run on the wrapped connection, so BEGIN and COMMIT are recorded too.
    beginTransaction: (c, settings) => inner.beginTransaction(c, settings),
    commitTransaction: (c) => inner.commitTransaction(c),
    rollbackTransaction: (c) => inner.rollbackTransaction(c),
    releaseConnection: (c) => inner.releaseConnection(unwrap(c)),
    destroy: () => inner.destroy(),
  }
  if (inner.savepoint !== undefined) driver.savepoint = (...args) => inner.savepoint!(...args)
  if (inner.rollbackToSavepoint !== undefined)
    driver.rollbackToSavepoint = (...args) => inner.rollbackToSavepoint!(...args)
  if (inner.releaseSavepoint !== undefined)
    driver.releaseSavepoint = (...args) => inner.releaseSavepoint!(...args)
  return driver
}

/**
 * `dialect` with its driver's connections wrapped, so every statement Kysely runs (built, raw,
 * transaction control, streamed) passes through `record`: the SQL adapters' one instrumentation
 * seam.
 */
export function instrumentDialect(dialect: Dialect, record: Recorder): Dialect {
  return {
    createDriver: () => instrumentDriver(dialect.createDriver(), record),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  }
}
