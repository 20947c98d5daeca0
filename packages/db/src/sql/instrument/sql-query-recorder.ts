import { context, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api'
import type { CompiledQuery } from 'kysely'
import { METRIC_NAMES } from '@mega/observe'
import type { AdapterMetricsSink } from '@mega/core'
import type { SqlDialect } from '../sql-types.js'
import { sqlQueryFacts } from './sql-query-facts.js'

/** `db.system.name` of each dialect (OpenTelemetry's well-known values). */
export const DB_SYSTEM_NAMES: Readonly<Record<SqlDialect, string>> = Object.freeze({
  postgres: 'postgresql',
  maria: 'mariadb',
  sqlite: 'sqlite',
})

/** The instrumentation scope of the query spans. */
export const DB_TRACER_NAME = '@mega/db'

/** What the query seam needs to know about its adapter. */
export interface SqlInstrumentation {
  readonly alias: string
  readonly dialect: SqlDialect
  /** Where durations and errors go. @default undefined (spans only) */
  readonly metrics?: AdapterMetricsSink | undefined
  /** The `error.type` of a failed query: the MegaError code it maps to. */
  readonly errorType: (err: unknown) => string
  /** Monotonic clock in ms. */
  readonly now: () => number
}

/** Ends one query's span and records its metrics; `failed` is the error when it threw. */
export type QueryDone = (failed?: { readonly error: unknown }) => void

const LABELS = ['adapter', 'dialect', 'operation', 'table']

/**
 * The seam every SQL statement goes through: a client span per query (`SELECT users`, with
 * `db.system.name`, `db.operation.name`, `db.collection.name`; never the SQL text or a bound value),
 * a child of the active context, and the query duration and error metrics.
 */
export function createQueryRecorder(i: SqlInstrumentation): (query: CompiledQuery) => QueryDone {
  const duration = i.metrics?.histogram(METRIC_NAMES.dbQueryDuration, {
    description: 'SQL query duration, by statement kind and table',
    unit: 's',
    labels: LABELS,
  })
  const errors = i.metrics?.counter(METRIC_NAMES.dbQueryErrors, {
    description: 'SQL queries that failed, by statement kind, table and error code',
    labels: [...LABELS, 'error_type'],
  })
  const system = DB_SYSTEM_NAMES[i.dialect]
  return (query) => {
    const facts = sqlQueryFacts(query)
    const { table } = facts
    const labels = {
      adapter: i.alias,
      dialect: i.dialect,
      operation: facts.operation,
      ...(table === undefined ? {} : { table }),
    }
    const attributes: Attributes = {
      'db.system.name': system,
      'db.operation.name': facts.keyword,
      ...(table === undefined ? {} : { 'db.collection.name': table }),
    }
    const name = table === undefined ? facts.keyword : `${facts.keyword} ${table}`
    const tracer = trace.getTracer(DB_TRACER_NAME)
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, context.active())
    const started = i.now()
    return (failed) => {
      duration?.record((i.now() - started) / 1000, labels)
      if (failed !== undefined) {
        // The driver's message can quote values (`invalid input syntax ... "abc"`): only the code.
        const type = i.errorType(failed.error)
        span.setAttribute('error.type', type)
        span.setStatus({ code: SpanStatusCode.ERROR, message: type })
        errors?.add(1, { ...labels, error_type: type })
      }
      span.end()
    }
  }
}
