import { ConflictError, ForbiddenError, UnauthorizedError } from '@mega/core'

/**
 * The error codes this app adds to Mega's own (`MEGA_*`). The README's error table lists exactly
 * these; test/readme.test.ts keeps the two in step.
 */
export const CRUD_ERROR_CODES = [
  'CRUD_EMAIL_TAKEN',
  'CRUD_INVALID_CREDENTIALS',
  'CRUD_NOT_OWNER',
  'CRUD_STAFF_ONLY',
] as const

/** One of {@link CRUD_ERROR_CODES}. */
export type CrudErrorCode = (typeof CRUD_ERROR_CODES)[number]

/** 409: registering an email that already has an account. */
export function emailTaken(): ConflictError {
  return new ConflictError('This email already has an account: sign in instead.', {
    code: 'CRUD_EMAIL_TAKEN',
  })
}

/** 401: unknown email or wrong password — the same answer for both, so emails cannot be probed. */
export function invalidCredentials(): UnauthorizedError {
  return new UnauthorizedError('Wrong email or password.', { code: 'CRUD_INVALID_CREDENTIALS' })
}

/** 403: changing or deleting something another user owns. */
export function notOwner(what: string): ForbiddenError {
  return new ForbiddenError(`Only the owner may change or delete this ${what}.`, {
    code: 'CRUD_NOT_OWNER',
  })
}

/** 403: a route or field reserved for staff users. */
export function staffOnly(what: string): ForbiddenError {
  return new ForbiddenError(`Only staff users may ${what}.`, { code: 'CRUD_STAFF_ONLY' })
}
