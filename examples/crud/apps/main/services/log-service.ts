import { MegaService } from '@mega/core'
import { createCrud, type Page } from '@mega/db'
import type { Actor } from '../lib/actor.js'
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

/** What to read: a time range `[from, to)`, a level and a user's lines, newest first. */
export interface LogQuery extends Paging {
  readonly from?: Date
  readonly to?: Date
  readonly level?: LogLevel
  /** Only the lines written by this user. */
  readonly userId?: number
}

/** Writes and reads the `logs` table (partitioned by month on PostgreSQL). No HTTP in here. */
export default class LogService extends MegaService {
  /** The clock (a seam for tests). */
  now: () => Date = () => new Date()

  get #logs() {
    return createCrud(Log, this.db())
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

  /**
   * What the actor may read of {@link list}: their own lines; every line for staff. Log lines carry
   * what users and the app wrote (tokens and card numbers end up there), so they are never shared.
   */
  listFor(actor: Actor, query: Omit<LogQuery, 'userId'> = {}): Promise<Page<LogRecord>> {
    return this.list(actor.staff ? query : { ...query, userId: actor.id })
  }

  /** One page of lines in `[from, to)` (and of `level`, and of `userId`), newest first. */
  list(query: LogQuery = {}): Promise<Page<LogRecord>> {
    const at = {
      ...(query.from === undefined ? {} : { gte: query.from }),
      ...(query.to === undefined ? {} : { lt: query.to }),
    }
    return this.#logs.list({
      filter: {
        ...(Object.keys(at).length === 0 ? {} : { at }),
        ...(query.level === undefined ? {} : { level: query.level }),
        ...(query.userId === undefined ? {} : { user_id: query.userId }),
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
