import { defineErrors, type MegaError, type MegaErrorOptions } from '@mega/observe'

/** A free message: the caller words it (each code covers several distinct failures). */
const said = (message: string): string => message

/**
 * The errors `mega` reports, declared once: code and message. The README's error table lists
 * exactly these codes (a test keeps the two in step).
 */
export const CLI_ERRORS = defineErrors({
  MEGA_CLI_UNKNOWN_COMMAND: { message: said },
  MEGA_CLI_UNKNOWN_OPTION: { message: said },
  MEGA_CLI_INVALID_ARGUMENT: { message: said },
  MEGA_CLI_DIR_NOT_EMPTY: { message: said },
  MEGA_CLI_FILE_EXISTS: { message: said },
  MEGA_CLI_UNKNOWN_GENERATOR: { message: said },
  MEGA_CLI_NOT_A_PROJECT: { message: said },
  MEGA_CLI_PACKAGE_MISSING: { message: said },
  MEGA_CLI_NOT_AVAILABLE: { message: said },
  MEGA_CLI_INSTALL_FAILED: { message: said },
  MEGA_CLI_NO_DATABASE: { message: said },
  MEGA_CLI_BUILD_FAILED: { message: said },
  MEGA_CLI_BUILD_STALE: { message: said },
  MEGA_CLI_NOT_RUNNING: { message: said },
  MEGA_CLI_NOTHING_TO_DESTROY: { message: said },
  MEGA_CLI_DATABASE_UNREACHABLE: { message: said },
})

/** Every error code `mega` reports, in the order of {@link CLI_ERRORS}. */
export const CLI_ERROR_CODES = CLI_ERRORS.codes

/** One of {@link CLI_ERROR_CODES}. */
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number]

/** Codes that are usage errors (exit code 2, as most CLIs do); the others exit with 1. */
export const USAGE_ERROR_CODES: readonly CliErrorCode[] = [
  'MEGA_CLI_UNKNOWN_COMMAND',
  'MEGA_CLI_UNKNOWN_OPTION',
  'MEGA_CLI_INVALID_ARGUMENT',
  'MEGA_CLI_UNKNOWN_GENERATOR',
]

/**
 * A `MegaError` with one of the CLI's codes.
 *
 * @example
 * throw cliError('MEGA_CLI_FILE_EXISTS', 'apps/main/models/user-model.ts exists: pick another name.')
 */
export function cliError(
  code: CliErrorCode,
  message: string,
  options?: Omit<MegaErrorOptions, 'statusCode'>,
): MegaError {
  return CLI_ERRORS.create(code, [message], options)
}
