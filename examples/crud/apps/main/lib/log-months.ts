/** One calendar month (UTC) of the `logs` table: its partition name and range `[from, to)`. */
export interface LogMonth {
  /** `logs_YYYYMM`. */
  readonly name: string
  /** First instant of the month, inclusive. */
  readonly from: Date
  /** First instant of the next month, exclusive. */
  readonly to: Date
}

/** The parent table that is partitioned. */
export const LOGS_TABLE = 'logs'

const NAME = /^logs_(\d{4})(\d{2})$/

/** The first instant (UTC) of the month `offset` months after the month of `at`. */
export function monthStart(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1))
}

/** The month holding `at`, `offset` months later. */
export function logMonth(at: Date, offset = 0): LogMonth {
  const from = monthStart(at, offset)
  const yyyy = String(from.getUTCFullYear()).padStart(4, '0')
  const mm = String(from.getUTCMonth() + 1).padStart(2, '0')
  return { name: `${LOGS_TABLE}_${yyyy}${mm}`, from, to: monthStart(from, 1) }
}

/** The month a partition name stands for, or `undefined` for a name not of the form `logs_YYYYMM`. */
export function parseLogMonth(name: string): LogMonth | undefined {
  const m = NAME.exec(name)
  if (m === null) return undefined
  const month = Number(m[2])
  if (month < 1 || month > 12) return undefined
  return logMonth(new Date(Date.UTC(Number(m[1]), month - 1, 1)))
}

/** The current month and the next `monthsAhead` months of `now`, in order. */
export function monthsFrom(now: Date, monthsAhead: number): LogMonth[] {
  return Array.from({ length: monthsAhead + 1 }, (_, i) => logMonth(now, i))
}

/**
 * The retention cut-off: rows (and whole partitions) before it are expired. Retention keeps the
 * current month and the `retentionMonths` months before it.
 */
export function retentionCutoff(now: Date, retentionMonths: number): Date {
  return monthStart(now, -retentionMonths)
}
