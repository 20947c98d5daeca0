import { MegaService } from '@mega/core'
import { createCrud, type Page, type SqlDbAdapter } from '@mega/db'
import { Log, type LogLevel, type LogRecord } from '../models/log-model.js'
import type { Paging } from './board-service.js'

/** A log line to write. */
export interface NewLog {
  readonly level: LogLevel
  readonly message: string
  readonly userId?: number | null
  readonly meta?: Readonly<Record<string, unknown>> | null
  /** @default now */
  readonly at?: Date
}

/** What to read: a time range `[from, to)` and a level, newest first. */
export interface LogQuery extends Paging {
  readonly from?: Date
  readonly to?: Date
  readonly level?: LogLevel
}

/** Writes and reads the `logs` table (partitioned by month on PostgreSQL). No HTTP in here. */
export default class LogService extends MegaService {
  /** The clock (a seam for tests). */
  now: () => Date = () => new Date()

  get #logs() {
    return createCrud(Log, this.db<SqlDbAdapter>())
  }

  /** Writes one line; on PostgreSQL its month's partition is created first when missing. */
  async write(input: NewLog): Promise<LogRecord> {
    const at = input.at ?? this.now()
    await this.services.logPartition.ensureMonth(at)
    return this.#logs.create({
      at,
      level: input.level,
      message: input.message,
      user_id: input.userId ?? null,
      meta: input.meta ?? null,
    })
  }

  /** One page of lines in `[from, to)` (and of `level`), newest first. */
  list(query: LogQuery = {}): Promise<Page<LogRecord>> {
    const at = {
      ...(query.from === undefined ? {} : { gte: query.from }),
      ...(query.to === undefined ? {} : { lt: query.to }),
    }
    return this.#logs.list({
      filter: {
        ...(Object.keys(at).length === 0 ? {} : { at }),
        ...(query.level === undefined ? {} : { level: query.level }),
      },
      sort: ['-at'],
      ...(query.page === undefined ? {} : { page: query.page }),
      ...(query.perPage === undefined ? {} : { perPage: query.perPage }),
    })
  }
}

declare module '@mega/core' {
  interface MegaServices {
    log: LogService
  }
}
