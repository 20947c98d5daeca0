import { MegaError, type MegaErrorOptions, type MegaIssue } from '@mega/observe'

/**
 * Every error code @mega/core throws or answers with. The README's error table lists exactly these
 * (a test keeps the two in step).
 */
export const CORE_ERROR_CODES = [
  'MEGA_BAD_REQUEST',
  'MEGA_INVALID_JSON',
  'MEGA_UNAUTHORIZED',
  'MEGA_FORBIDDEN',
  'MEGA_NOT_FOUND',
  'MEGA_ROUTE_NOT_FOUND',
  'MEGA_CONFLICT',
  'MEGA_PAYLOAD_TOO_LARGE',
  'MEGA_UNSUPPORTED_MEDIA_TYPE',
  'MEGA_HEADERS_TOO_LARGE',
  'MEGA_REQUEST_TIMEOUT',
  'MEGA_VALIDATION_FAILED',
  'MEGA_RATE_LIMITED',
  'MEGA_INTERNAL',
  'MEGA_UNAVAILABLE',
  'MEGA_ROUTE_INVALID',
  'MEGA_ROUTE_DUPLICATE',
  'MEGA_APP_INVALID',
  'MEGA_ADAPTER_NOT_FOUND',
  'MEGA_WS_NOT_INSTALLED',
  'MEGA_DRIVER_INVALID',
  'MEGA_ADAPTER_INVALID_INPUT',
  'MEGA_ADAPTER_CONNECT_FAILED',
  'MEGA_BOOT_FAILED',
  'MEGA_PIPELINE_UNKNOWN_PHASE',
  'MEGA_PIPELINE_STARTED',
  'MEGA_SESSION_STORE_INVALID',
  'MEGA_SESSION_DESTROYED',
  'MEGA_CSRF_INVALID',
  'MEGA_CSRF_ORIGIN_INVALID',
  'MEGA_CSRF_NOT_ENABLED',
  'MEGA_PRINCIPAL_INVALID',
  'MEGA_RATE_LIMIT_STORE_INVALID',
  'MEGA_UPLOAD_TOO_LARGE',
  'MEGA_UPLOAD_TOO_MANY_FILES',
  'MEGA_UPLOAD_TOO_MANY_FIELDS',
  'MEGA_UPLOAD_TYPE_NOT_ALLOWED',
  'MEGA_UPLOAD_INVALID_NAME',
  'MEGA_I18N_INVALID_CATALOG',
  'MEGA_I18N_MISSING_KEY',
  'MEGA_VIEWS_DIR_MISSING',
  'MEGA_VIEW_NOT_FOUND',
  'MEGA_PLUGIN_INVALID',
  'MEGA_PLUGIN_FAILED',
  'MEGA_CONTEXT_FEATURE_MISSING',
  'MEGA_CLUSTER_INVALID_STATE',
  'MEGA_OPENAPI_UI_NOT_INSTALLED',
  'MEGA_OPENAPI_SCHEME_UNKNOWN',
] as const

/** One of {@link CORE_ERROR_CODES}. */
export type CoreErrorCode = (typeof CORE_ERROR_CODES)[number]

/** Options of the HTTP error classes: a MegaError's options without the status, plus a code. */
export interface HttpErrorOptions extends Omit<MegaErrorOptions, 'statusCode'> {
  /** Overrides the class's default code (e.g. `MEGA_DB_CONFLICT` for a 409). */
  readonly code?: string
}

/** A {@link MegaError} with an HTTP status; the base of the classes below. */
export class HttpError extends MegaError {
  declare readonly statusCode: number

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: Omit<MegaErrorOptions, 'statusCode'> = {},
  ) {
    super(code, message, { ...options, statusCode })
    this.name = 'HttpError'
  }
}

/** 400: the request is malformed. */
export class BadRequestError extends HttpError {
  constructor(
    message = 'The request is malformed: check its syntax.',
    options: HttpErrorOptions = {},
  ) {
    const { code = 'MEGA_BAD_REQUEST', ...rest } = options
    super(400, code, message, rest)
    this.name = 'BadRequestError'
  }
}

/** 401: no valid credentials. */
export class UnauthorizedError extends HttpError {
  constructor(
    message = 'Authentication required: sign in and retry.',
    options: HttpErrorOptions = {},
  ) {
    const { code = 'MEGA_UNAUTHORIZED', ...rest } = options
    super(401, code, message, rest)
    this.name = 'UnauthorizedError'
  }
}

/** 403: authenticated but not allowed. */
export class ForbiddenError extends HttpError {
  constructor(message = 'You are not allowed to do this.', options: HttpErrorOptions = {}) {
    const { code = 'MEGA_FORBIDDEN', ...rest } = options
    super(403, code, message, rest)
    this.name = 'ForbiddenError'
  }
}

/** 404: the resource does not exist. */
export class NotFoundError extends HttpError {
  constructor(message = 'Not found: check the identifier.', options: HttpErrorOptions = {}) {
    const { code = 'MEGA_NOT_FOUND', ...rest } = options
    super(404, code, message, rest)
    this.name = 'NotFoundError'
  }
}

/** 409: the request conflicts with the current state (e.g. a unique key). */
export class ConflictError extends HttpError {
  constructor(
    message = 'Conflict with the current state: reload and retry.',
    options: HttpErrorOptions = {},
  ) {
    const { code = 'MEGA_CONFLICT', ...rest } = options
    super(409, code, message, rest)
    this.name = 'ConflictError'
  }
}

/** 429: too many requests. */
export class TooManyRequestsError extends HttpError {
  constructor(
    message = 'Too many requests: slow down and retry later.',
    options: HttpErrorOptions = {},
  ) {
    const { code = 'MEGA_RATE_LIMITED', ...rest } = options
    super(429, code, message, rest)
    this.name = 'TooManyRequestsError'
  }
}

/** 500: an unexpected failure. */
export class InternalServerError extends HttpError {
  constructor(message = 'Internal server error.', options: HttpErrorOptions = {}) {
    const { code = 'MEGA_INTERNAL', ...rest } = options
    super(500, code, message, rest)
    this.name = 'InternalServerError'
  }
}

/** 503: temporarily unavailable (shutting down, a dependency is down). */
export class ServiceUnavailableError extends HttpError {
  constructor(message = 'Service unavailable: retry shortly.', options: HttpErrorOptions = {}) {
    const { code = 'MEGA_UNAVAILABLE', ...rest } = options
    super(503, code, message, rest)
    this.name = 'ServiceUnavailableError'
  }
}

/** 422: the input failed validation; one issue per problem, each with its path. */
export class ValidationError extends HttpError {
  constructor(
    issues: readonly MegaIssue[],
    message = 'Validation failed: fix the listed fields and retry.',
  ) {
    super(422, 'MEGA_VALIDATION_FAILED', message, { issues })
    this.name = 'ValidationError'
  }
}
