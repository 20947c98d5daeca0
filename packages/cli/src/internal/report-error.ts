import { MegaError } from '@mega/observe'
import { USAGE_ERROR_CODES, type CliErrorCode } from '../errors.js'
import { createColors, type CliIo } from '../io.js'

/** Exit codes of `run`. */
export const EXIT_CODES = Object.freeze({ ok: 0, failed: 1, usage: 2 })

/**
 * Prints a command's failure and returns its exit code. A MegaError prints its message, its code and
 * each issue the message does not already show (a boot failure's message repeats its config issues).
 */
export function reportError(err: unknown, io: CliIo): number {
  const c = createColors(io)
  if (MegaError.is(err)) {
    io.stderr(`${c.red('error')} ${err.message}\n${c.dim(`(${err.code})`)}\n`)
    for (const issue of err.issues ?? []) {
      const line = `${issue.path}: ${issue.message}`
      if (!err.message.includes(line)) io.stderr(`  - ${line}\n`)
    }
    return USAGE_ERROR_CODES.includes(err.code as CliErrorCode)
      ? EXIT_CODES.usage
      : EXIT_CODES.failed
  }
  io.stderr(
    `${c.red('error')} ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  )
  return EXIT_CODES.failed
}
