import { z } from 'zod'

/** Where a new app keeps its SQLite database. */
export const DEFAULT_SQLITE_FILENAME = './data/app.sqlite'
/** Default wait for a locked SQLite database, in ms. */
export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5000

/** Options of the `sqlite` driver (better-sqlite3). */
export const sqliteOptionsSchema = z
  .object({
    /** Database file (its folder is created), or `':memory:'`. @default './data/app.sqlite' */
    filename: z.string().min(1).default(DEFAULT_SQLITE_FILENAME),
    /** Write-ahead logging, so readers do not block the writer (not for `:memory:`). @default true */
    wal: z.boolean().default(true),
    /** Enforce foreign keys (`PRAGMA foreign_keys = ON`). @default true */
    foreignKeys: z.boolean().default(true),
    /** How long a statement waits for a locked database, in ms. @default 5000 */
    busyTimeoutMs: z.number().int().nonnegative().default(DEFAULT_SQLITE_BUSY_TIMEOUT_MS),
  })
  .strict()

/** Options of the `sqlite` driver, as given. */
export type SqliteOptions = z.input<typeof sqliteOptionsSchema>

/** Options of the `sqlite` driver, with defaults resolved. */
export type ResolvedSqliteOptions = z.output<typeof sqliteOptionsSchema>
