import type { PluginApi } from '@mega/core'
import { jobsError } from '../errors.js'
import { JobOutbox } from '../outbox/job-outbox.js'
import { OutboxRelay } from '../outbox/outbox-relay.js'
import { ensureOutboxTable } from '../outbox/outbox-table.js'
import { OUTBOX_DIALECTS, isOutboxDatabase } from '../outbox/outbox-types.js'
import type { JobQueue } from '../queue/job-queue-types.js'
import type { OutboxWriterFactory } from './jobs-client.js'
import { DEFAULT_OUTBOX_DB, type JobsOutboxOptions } from './jobs-options.js'

/** The outbox of one server: what `ctx.jobs.outbox(trx)` gives, and a stop for its relay. */
export interface PluginOutbox {
  /** `ctx.jobs.outbox`: a writer bound to `trx` (default: the adapter's `kysely()`, the active transaction inside `db.transaction()`). */
  readonly writerFor: OutboxWriterFactory
  /** Stops the relay (none with `relay: false`), waiting for a pass under way. */
  readonly stop: () => Promise<void>
}

/**
 * Finds the outbox's SQL adapter by alias, creates the outbox table when missing, makes the writer
 * and (unless `relay: false`) the relay, started once the server is ready: every process with the
 * outbox relays (SKIP LOCKED keeps them apart). MEGA_JOBS_OPTIONS_INVALID when the alias is not a
 * SQL adapter.
 */
export async function setupOutbox(
  api: PluginApi,
  options: JobsOutboxOptions,
  queue: () => JobQueue,
): Promise<PluginOutbox> {
  const alias = options.db ?? DEFAULT_OUTBOX_DB
  let db: unknown
  try {
    db = api.adapter<unknown>(alias)
  } catch {
    db = undefined
  }
  if (!isOutboxDatabase(db))
    throw jobsError(
      'MEGA_JOBS_OPTIONS_INVALID',
      `jobs({ outbox }): there is no SQL db adapter "${alias}" (the outbox needs ${OUTBOX_DIALECTS.join(', ')} from @mega/db): add adapters.${alias} = { driver: 'postgres', url: env('DATABASE_URL') }, or set outbox.db to the alias of yours.`,
    )
  const writer = new JobOutbox(options.table === undefined ? {} : { table: options.table })
  await ensureOutboxTable(db, writer.table)
  const relay =
    options.relay === false
      ? undefined
      : new OutboxRelay({
          db,
          queue,
          table: writer.table,
          ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
          ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
          onError: (err) => api.log.error({ err }, 'outbox relay failed'),
        })
  if (relay !== undefined) api.fastify.addHook('onReady', async () => relay.start())
  return {
    writerFor: (trx = db.kysely()) => ({
      enqueue: (JobClass, payload, options) => writer.enqueue(trx, JobClass, payload, options),
    }),
    stop: async () => relay?.stop(),
  }
}
