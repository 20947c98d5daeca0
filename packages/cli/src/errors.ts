import { MegaError, type MegaErrorOptions } from '@mega/observe'

/**
 * Every error code `mega` reports. The README's error table lists exactly these (a test keeps the two
 * in step).
 */
export const CLI_ERROR_CODES = [
  'MEGA_CLI_UNKNOWN_COMMAND',
  'MEGA_CLI_UNKNOWN_OPTION',
  'MEGA_CLI_INVALID_ARGUMENT',
  'MEGA_CLI_DIR_NOT_EMPTY',
  'MEGA_CLI_FILE_EXISTS',
  'MEGA_CLI_UNKNOWN_GENERATOR',
  'MEGA_CLI_NOT_A_PROJECT',
  'MEGA_CLI_PACKAGE_MISSING',
  'MEGA_CLI_NOT_AVAILABLE',
  'MEGA_CLI_INSTALL_FAILED',
  'MEGA_CLI_NO_DATABASE',
] as const

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
  options?: MegaErrorOptions,
): MegaError {
  return new MegaError(code, message, options)
}
