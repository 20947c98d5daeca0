import type { PluginApi } from '@mega/core'
import { jobsError } from '../errors.js'
import { JobOutbox } from '../outbox/job-outbox.js'
import { OutboxRelay } from '../outbox/outbox-relay.js'
import { ensureOutboxTable } from '../outbox/outbox-table.js'
import { OUTBOX_DIALECTS, isOutboxDatabase, type OutboxDatabase } from '../outbox/outbox-types.js'
import type { JobQueue } from '../queue/job-queue-types.js'
import { DEFAULT_OUTBOX_DB, type JobsOutboxOptions } from './jobs-options.js'

/** The outbox of one server: the writer behind `ctx.jobs.outbox()`, its database and its relay. */
export interface PluginOutbox {
  readonly writer: JobOutbox
  readonly db: OutboxDatabase
  /** Absent with `relay: false`. */
  readonly relay: OutboxRelay | undefined
}

/**
 * Finds the outbox's SQL adapter by alias, creates the outbox table when missing and makes the writer
 * and (unless `relay: false`) the relay. MEGA_JOBS_OPTIONS_INVALID when the alias is not a SQL adapter.
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
  return { writer, db, relay }
}
