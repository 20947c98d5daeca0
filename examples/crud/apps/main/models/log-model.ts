import { col, defineModel } from '@mega/db'

/** Levels a log line can have, as declared once. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number]

/**
 * The `logs` table. On PostgreSQL a later migration turns it into a table partitioned by month on
 * `at` (partitions `logs_YYYYMM`, primary key `(id, at)`); on SQLite it stays a plain table. See
 * docs/log-partitions.md. `user_id` has no foreign key on purpose: log lines outlive their users and
 * must never block deleting one.
 */
export const Log = defineModel(
  'logs',
  {
    id: col.id(),
    at: col.timestamp().default({ sql: 'now' }).index(),
    level: col.enum(LOG_LEVELS),
    message: col.text(),
    user_id: col.integer().nullable().index(),
    meta: col.json().nullable(),
  },
  { timestamps: false },
)

export type LogRecord = typeof Log.$select
