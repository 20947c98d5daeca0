/** The pino level names, lowest first: what the logger and each of its sinks filter on. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const

/** One of {@link LOG_LEVELS}. */
export type LogLevelName = (typeof LOG_LEVELS)[number]

/** pino's numeric level → its name (`50` → `'error'`). */
export const LEVEL_NAMES: Readonly<Record<number, LogLevelName>> = Object.freeze({
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
})

/** The numeric pino value of a level name (`'error'` → `50`). */
export function levelValue(name: LogLevelName): number {
  return (LOG_LEVELS.indexOf(name) + 1) * 10
}
