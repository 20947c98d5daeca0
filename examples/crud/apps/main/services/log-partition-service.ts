import { sql } from 'kysely'
import { MegaService, ValidationError } from '@mega/core'
import type { SqlDbAdapter } from '@mega/db'
import {
  LOGS_TABLE,
  logMonth,
  monthsFrom,
  parseLogMonth,
  retentionCutoff,
  type LogMonth,
} from '../lib/log-months.js'

/** Months created ahead of the current one by `ensure()`. */
export const DEFAULT_MONTHS_AHEAD = 2
/** Full months kept before the current one by `prune()`. */
export const DEFAULT_RETENTION_MONTHS = 6

/**
 * How the `logs` table is stored: `partitions` (PostgreSQL, partitioned by month), `rows` (a plain
 * table: SQLite, or PostgreSQL before the partitioning migration), `missing` (not migrated yet).
 */
export type LogStorage = 'partitions' | 'rows' | 'missing'

/** What {@link LogPartitionService.ensure} did. */
export interface EnsureResult {
  readonly storage: LogStorage
  /** Partitions created by this call. */
  readonly created: string[]
  /** Partitions of the requested months that already existed. */
  readonly existing: string[]
}

/** What {@link LogPartitionService.prune} did. */
export interface PruneResult {
  readonly storage: LogStorage
  /** Rows and partitions before this instant were expired. */
  readonly cutoff: Date
  /** Partitions dropped (PostgreSQL). */
  readonly dropped: string[]
  /** Rows deleted (the plain-table fallback). */
  readonly deletedRows: number
}

/** What {@link LogPartitionService.list} returns. */
export interface PartitionList {
  readonly storage: LogStorage
  /** The monthly partitions, oldest first (empty unless `storage` is `partitions`). */
  readonly partitions: LogMonth[]
}

/**
 * Keeps the monthly partitions of `logs` (docs/log-partitions.md): `ensure` creates the current and
 * next months, `prune` drops expired ones, `list` shows them. Plain async methods with no HTTP, so a
 * schedule (schedules/log-partition-schedule.ts), a route or a console can call them. On a plain
 * table (SQLite) `ensure` does nothing and `prune` deletes the expired rows instead.
 */
export default class LogPartitionService extends MegaService {
  /** The clock (a seam for tests). */
  now: () => Date = () => new Date()
  /** Months known to have a partition in this process, so writes check the catalog once a month. */
  readonly #known = new Set<string>()

  get #db(): SqlDbAdapter {
    return this.db()
  }

  /** At boot: make sure this month and the next ones can take log lines. */
  override async start(): Promise<void> {
    if ((await this.storage()) === 'partitions') await this.ensure()
  }

  /** How `logs` is stored right now. */
  async storage(): Promise<LogStorage> {
    const db = this.#db
    if (db.dialect === 'sqlite') {
      const found = await sql<{ name: string }>`
        select name from sqlite_master where type = 'table' and name = ${LOGS_TABLE}`.execute(
        db.kysely(),
      )
      return found.rows.length === 0 ? 'missing' : 'rows'
    }
    if (db.dialect === 'maria') {
      const found = await sql<{ n: number }>`
        select count(*) as n from information_schema.tables
        where table_schema = database() and table_name = ${LOGS_TABLE}`.execute(db.kysely())
      return Number(found.rows[0]?.n ?? 0) === 0 ? 'missing' : 'rows'
    }
    const found = await sql<{ relkind: string }>`
      select relkind from pg_class where oid = to_regclass(${LOGS_TABLE})`.execute(db.kysely())
    const kind = found.rows[0]?.relkind
    return kind === undefined ? 'missing' : kind === 'p' ? 'partitions' : 'rows'
  }

  /**
   * Creates the partitions of the current month and the next `monthsAhead` months that are missing
   * (`CREATE TABLE IF NOT EXISTS ... PARTITION OF logs`). Idempotent; safe to run from several
   * processes at once.
   */
  async ensure(now = this.now(), monthsAhead = DEFAULT_MONTHS_AHEAD): Promise<EnsureResult> {
    assertCount('monthsAhead', monthsAhead)
    const storage = await this.storage()
    if (storage !== 'partitions') return { storage, created: [], existing: [] }
    const before = new Set((await this.#partitions()).map((p) => p.name))
    const created: string[] = []
    const existing: string[] = []
    for (const month of monthsFrom(now, monthsAhead)) {
      if (before.has(month.name)) existing.push(month.name)
      else if (await this.#create(month)) created.push(month.name)
      else existing.push(month.name)
      this.#known.add(month.name)
    }
    return { storage, created, existing }
  }

  /** Makes sure the month holding `at` has a partition (what writing a log line calls first). */
  async ensureMonth(at: Date): Promise<void> {
    const month = logMonth(at)
    if (this.#known.has(month.name)) return
    if ((await this.storage()) === 'partitions') await this.#create(month)
    this.#known.add(month.name)
  }

  /**
   * Expires what is older than the current month and the `retentionMonths` full months before it:
   * drops whole partitions on PostgreSQL (instant, no vacuum), deletes rows on a plain table.
   */
  async prune(now = this.now(), retentionMonths = DEFAULT_RETENTION_MONTHS): Promise<PruneResult> {
    assertCount('retentionMonths', retentionMonths)
    const cutoff = retentionCutoff(now, retentionMonths)
    const storage = await this.storage()
    if (storage === 'missing') return { storage, cutoff, dropped: [], deletedRows: 0 }
    if (storage === 'rows') {
      const value = this.#db.dialect === 'sqlite' ? cutoff.toISOString() : cutoff
      const result = await sql`delete from ${sql.table(LOGS_TABLE)} where at < ${value}`.execute(
        this.#db.kysely(),
      )
      return { storage, cutoff, dropped: [], deletedRows: Number(result.numAffectedRows ?? 0) }
    }
    const dropped: string[] = []
    for (const month of await this.#partitions()) {
      if (month.to.getTime() > cutoff.getTime()) continue
      await sql`drop table if exists ${sql.table(month.name)}`.execute(this.#db.kysely())
      this.#known.delete(month.name)
      dropped.push(month.name)
    }
    return { storage, cutoff, dropped, deletedRows: 0 }
  }

  /** The monthly partitions of `logs`, oldest first. */
  async list(): Promise<PartitionList> {
    const storage = await this.storage()
    return { storage, partitions: storage === 'partitions' ? await this.#partitions() : [] }
  }

  async #partitions(): Promise<LogMonth[]> {
    const found = await sql<{ name: string }>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = to_regclass(${LOGS_TABLE})`.execute(this.#db.kysely())
    return found.rows
      .map((row) => parseLogMonth(row.name))
      .filter((m): m is LogMonth => m !== undefined)
      .sort((a, b) => a.from.getTime() - b.from.getTime())
  }

  /** Creates one partition; `false` when another process created it first. */
  async #create(month: LogMonth): Promise<boolean> {
    const statement = sql`create table if not exists ${sql.table(month.name)}
      partition of ${sql.table(LOGS_TABLE)}
      for values from (${sql.lit(month.from.toISOString())}) to (${sql.lit(month.to.toISOString())})`
    try {
      await statement.execute(this.#db.kysely())
      return true
    } catch (err) {
      // A concurrent ensure() won the race (duplicate table / type): the partition is there.
      if ((await this.#partitions()).some((p) => p.name === month.name)) return false
      throw this.#db.mapError(err)
    }
  }
}

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 120)
    throw new ValidationError([
      { path: name, message: `must be a whole number from 0 to 120, not ${value}` },
    ])
}

declare module '@mega/core' {
  interface MegaServices {
    logPartition: LogPartitionService
  }
}
