import { MegaError, defineErrors, type MegaErrorOptions, type MegaIssue } from '@mega/observe'

/** A free message: the caller words it (several distinct failures share the code). */
const said = (message: string): string => message

function invalidList(subject: string, issues: readonly MegaIssue[]): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`
  const list = issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')
  return `Invalid ${subject} (${count}); fix each and try again:\n${list}`
}

/**
 * The errors of @mega/core, declared once: code, HTTP status and message template (typed
 * arguments). The HTTP error classes below take their status and default message from here. The
 * README's error table lists exactly these codes (a test keeps the two in step).
 */
export const CORE_ERRORS = defineErrors({
  MEGA_BAD_REQUEST: { status: 400, message: 'The request is malformed: check its syntax.' },
  MEGA_INVALID_JSON: { status: 400, message: 'The body is not valid JSON: fix its syntax.' },
  MEGA_UNAUTHORIZED: { status: 401, message: 'Authentication required: sign in and retry.' },
  MEGA_FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  MEGA_NOT_FOUND: { status: 404, message: 'Not found: check the identifier.' },
  MEGA_ROUTE_NOT_FOUND: {
    status: 404,
    message: (method: string, path: string) =>
      `No route for ${method} ${path}: check the method and path.`,
  },
  MEGA_CONFLICT: { status: 409, message: 'Conflict with the current state: reload and retry.' },
  MEGA_GONE: {
    status: 410,
    message: 'Gone: this resource existed and was removed for good; do not retry.',
  },
  MEGA_PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'The body is larger than this server accepts: send less.',
  },
  MEGA_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: (where: string) => `Form posts are accepted only by ${where}: send application/json.`,
  },
  MEGA_HEADERS_TOO_LARGE: {
    status: 431,
    message:
      'The request headers are larger than this server accepts: send fewer or shorter headers.',
  },
  MEGA_REQUEST_TIMEOUT: {
    status: 408,
    message: 'The request took too long to arrive: send it again.',
  },
  MEGA_VALIDATION_FAILED: {
    status: 422,
    message: 'Validation failed: fix the listed fields and retry.',
  },
  MEGA_RATE_LIMITED: { status: 429, message: 'Too many requests: slow down and retry later.' },
  MEGA_INTERNAL: { status: 500, message: 'Internal server error.' },
  MEGA_UNAVAILABLE: { status: 503, message: 'Service unavailable: retry shortly.' },
  MEGA_ROUTE_INVALID: { message: said },
  MEGA_ROUTE_DUPLICATE: {
    message: (name: string, first: string, second: string) =>
      `Route name "${name}" is used twice (${first} and ${second}): names must be unique.`,
  },
  MEGA_APP_INVALID: { message: said },
  MEGA_ADAPTER_NOT_FOUND: {
    status: 500,
    message: (alias: string, known: string, app?: string) =>
      app === undefined
        ? `No adapter "${alias}" (configured: ${known}): add it under adapters in mega.config.`
        : `App "${app}" has no adapter "${alias}" (configured: ${known}): add it under adapters in mega.config.ts.`,
  },
  MEGA_WS_NOT_INSTALLED: {
    message: (path: string) =>
      `The WebSocket route ${path} needs the ws() plugin of @mega/ws: run "pnpm add @mega/ws" and add ws() to plugins in mega.config.ts.`,
  },
  MEGA_DRIVER_INVALID: { message: said },
  MEGA_ADAPTER_INVALID_INPUT: { message: said },
  MEGA_ADAPTER_CONNECT_FAILED: {
    status: 503,
    message: (failed: string) =>
      `Could not connect adapter(s) ${failed}: check that each server runs and its options are right.`,
  },
  MEGA_BOOT_FAILED: {
    message: (step: string, reason: string) => `Boot failed at step "${step}": ${reason}`,
  },
  MEGA_PIPELINE_UNKNOWN_PHASE: { message: said },
  MEGA_PIPELINE_STARTED: {
    message: (phase: string) =>
      `The ${phase} hook came after the server started, so it would never run: add hooks in a plugin's setup or with server.hook() before ready(), inject() or listen().`,
  },
  MEGA_SESSION_STORE_INVALID: { message: said },
  MEGA_SESSION_DESTROYED: {
    status: 500,
    message: (action: string) =>
      `ctx.session.${action}() after destroy(): the session has ended; regenerate a new one in the next request.`,
  },
  MEGA_CSRF_INVALID: {
    status: 403,
    message:
      'The form is out of date or was not sent by this site (CSRF check): reload the page and try again.',
  },
  MEGA_CSRF_ORIGIN_INVALID: {
    status: 403,
    message:
      'This request was sent by another site (CSRF origin check): send it from a page of this site. Behind a proxy set server.trustProxy; for a trusted site add it to csrf({ trustedOrigins }).',
  },
  MEGA_CSRF_NOT_ENABLED: { message: said },
  MEGA_PRINCIPAL_INVALID: {
    status: 500,
    message: (maxLength: number, got: string) =>
      `A session principal is the user's id: a finite number or a string of 1 to ${maxLength} characters, got ${got}.`,
  },
  MEGA_RATE_LIMIT_STORE_INVALID: {
    message: (alias: string) =>
      `rate limit store "${alias}" is not a cache adapter with incr(): use the memory or redis cache driver, or leave store out to count in this process.`,
  },
  MEGA_UPLOAD_TOO_LARGE: { status: 413, message: said },
  MEGA_UPLOAD_TOO_MANY_FILES: {
    status: 413,
    message: (limit: number) => `The form has more than ${limit} files: send fewer.`,
  },
  MEGA_UPLOAD_TOO_MANY_FIELDS: {
    status: 413,
    message: (limit: number) => `The form has more than ${limit} fields: send fewer.`,
  },
  MEGA_UPLOAD_TYPE_NOT_ALLOWED: { status: 422, message: said },
  MEGA_UPLOAD_INVALID_NAME: {
    status: 500,
    message: (name: string) =>
      `moveTo: ${JSON.stringify(name)} is not a plain file name: give a name without "/", "\\" or "..".`,
  },
  MEGA_I18N_INVALID_CATALOG: {
    message: (issues: readonly MegaIssue[]) => invalidList('i18n catalogues', issues),
  },
  MEGA_I18N_MISSING_KEY: {
    status: 500,
    message: (key: string, chain: readonly string[], defaultLocale: string) =>
      `No message "${key}" for ${chain.join(' → ')}: add it to the ${defaultLocale} catalogue.`,
  },
  MEGA_VIEWS_DIR_MISSING: {
    message: (root: string, cwd: string) =>
      `views: the folder ${root} does not exist: create it, or point views({ dir }) at your templates (relative to ${cwd}).`,
  },
  MEGA_VIEW_NOT_FOUND: { message: said },
  MEGA_PLUGIN_INVALID: { message: said },
  MEGA_PLUGIN_FAILED: {
    message: (plugin: string, reason: string) => `Plugin "${plugin}" failed to set up: ${reason}`,
  },
  MEGA_CONTEXT_FEATURE_MISSING: {
    status: 500,
    message: (feature: string, plugin: string, hint: string) =>
      `ctx.${feature} needs the ${plugin} plugin: ${hint}`,
  },
  MEGA_AUTH_REQUIRED: {
    status: 401,
    message:
      'Sign in first: this route needs a signed-in user (a session cookie, or Authorization: Bearer <access token>).',
  },
  MEGA_AUTH_TOKEN_INVALID: {
    status: 401,
    message:
      'This access token is malformed, unknown, revoked or expired: sign in again for a new one.',
  },
  MEGA_AUTH_ROLE_MISSING: {
    status: 403,
    message: (roles: readonly string[]) =>
      `This route needs the role ${roles.join(' or ')}: ask an administrator for it.`,
  },
  MEGA_AUTH_ABILITY_MISSING: {
    status: 403,
    message: (ability: string) =>
      `This access token may not "${ability}": create a token with that ability (or sign in).`,
  },
  MEGA_AUTH_NOT_CHECKED: {
    status: 500,
    message: (what: string) =>
      `ctx.auth.${what} was read before authentication ran: guard the route with requireUser() (or requireRole/requireAbility), or await ctx.auth.check() first.`,
  },
  MEGA_AUTH_TOKENS_NOT_CONFIGURED: {
    status: 500,
    message: (action: string) =>
      `ctx.auth.${action} needs an access token store: pass auth({ tokens }) (an AccessTokenStore, e.g. MemoryAccessTokenStore or one over your table).`,
  },
  MEGA_AUTH_OPTIONS_INVALID: { message: said },
  MEGA_CLUSTER_INVALID_STATE: { message: said },
  MEGA_OPENAPI_UI_NOT_INSTALLED: {
    message: (ui: string, pkg: string) =>
      `The docs UI at ${ui} needs ${pkg}: run "pnpm add ${pkg}", or pass ui: false to openapi().`,
  },
  MEGA_PASSWORD_INVALID: {
    message: (got: string) =>
      `hashPassword takes the password as a string of at most maxPasswordLength characters, got ${got}: validate the input's length first.`,
  },
  MEGA_LOCKED_OUT: {
    status: 429,
    message: (retryAfterS: number) =>
      `Too many failed attempts: try again in ${retryAfterS} s, or ask support to unlock the account.`,
  },
  MEGA_LOCKOUT_STORE_INVALID: {
    message: (got: string) =>
      `bruteForce().use() needs a cache adapter with incr() (the memory or redis cache driver), got ${got}: pass ctx.cache() or this.cache().`,
  },
  MEGA_OPENAPI_SCHEME_UNKNOWN: {
    message: (unknown: readonly string[], declared: string) =>
      `Routes are securedBy schemes that openapi() does not declare (${unknown.join('; ')}; declared: ${declared}): add them to openapi({ securitySchemes }).`,
  },
})

/**
 * Every error code @mega/core throws or answers with, in the order of {@link CORE_ERRORS}. The
 * README's error table lists exactly these (a test keeps the two in step).
 */
export const CORE_ERROR_CODES = CORE_ERRORS.codes

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

/** The constructor of a generated HTTP error class such as {@link NotFoundError}. */
export interface HttpErrorClass {
  /** `message` defaults to the code's message in {@link CORE_ERRORS}; `options.code` overrides the code. */
  new (message?: string, options?: HttpErrorOptions): HttpError
  readonly prototype: HttpError
}

/** The codes whose row has a fixed message and a status: those an HTTP error class can stand for. */
type HttpClassCode = {
  [C in CoreErrorCode]: (typeof CORE_ERRORS.table)[C] extends { status: number; message: string }
    ? C
    : never
}[CoreErrorCode]

/** An HttpError subclass named `name` with the status and default message of `code`'s row. */
function httpErrorClass(name: string, code: HttpClassCode): HttpErrorClass {
  const row = CORE_ERRORS.table[code]
  const Class = class extends HttpError {
    constructor(message: string = row.message, options: HttpErrorOptions = {}) {
      const { code: own = code, ...rest } = options
      super(row.status, own, message, rest)
      this.name = name
    }
  }
  Object.defineProperty(Class, 'name', { value: name })
  return Class
}

/** 400: the request is malformed (`MEGA_BAD_REQUEST`). */
export const BadRequestError = httpErrorClass('BadRequestError', 'MEGA_BAD_REQUEST')
/** An instance of {@link BadRequestError}. */
export type BadRequestError = HttpError

/** 401: no valid credentials (`MEGA_UNAUTHORIZED`). */
export const UnauthorizedError = httpErrorClass('UnauthorizedError', 'MEGA_UNAUTHORIZED')
/** An instance of {@link UnauthorizedError}. */
export type UnauthorizedError = HttpError

/** 403: authenticated but not allowed (`MEGA_FORBIDDEN`). */
export const ForbiddenError = httpErrorClass('ForbiddenError', 'MEGA_FORBIDDEN')
/** An instance of {@link ForbiddenError}. */
export type ForbiddenError = HttpError

/** 404: the resource does not exist (`MEGA_NOT_FOUND`). */
export const NotFoundError = httpErrorClass('NotFoundError', 'MEGA_NOT_FOUND')
/** An instance of {@link NotFoundError}. */
export type NotFoundError = HttpError

/** 409: the request conflicts with the current state, e.g. a unique key (`MEGA_CONFLICT`). */
export const ConflictError = httpErrorClass('ConflictError', 'MEGA_CONFLICT')
/** An instance of {@link ConflictError}. */
export type ConflictError = HttpError

/** 410: the resource existed and was removed for good, e.g. an expired link (`MEGA_GONE`). */
export const GoneError = httpErrorClass('GoneError', 'MEGA_GONE')
/** An instance of {@link GoneError}. */
export type GoneError = HttpError

/** 429: too many requests (`MEGA_RATE_LIMITED`). */
export const TooManyRequestsError = httpErrorClass('TooManyRequestsError', 'MEGA_RATE_LIMITED')
/** An instance of {@link TooManyRequestsError}. */
export type TooManyRequestsError = HttpError

/** 500: an unexpected failure (`MEGA_INTERNAL`). */
export const InternalServerError = httpErrorClass('InternalServerError', 'MEGA_INTERNAL')
/** An instance of {@link InternalServerError}. */
export type InternalServerError = HttpError

/** 503: temporarily unavailable, shutting down or a dependency is down (`MEGA_UNAVAILABLE`). */
export const ServiceUnavailableError = httpErrorClass('ServiceUnavailableError', 'MEGA_UNAVAILABLE')
/** An instance of {@link ServiceUnavailableError}. */
export type ServiceUnavailableError = HttpError

/** 422: the input failed validation; one issue per problem, each with its path. */
export class ValidationError extends HttpError {
  constructor(
    issues: readonly MegaIssue[],
    message: string = CORE_ERRORS.table.MEGA_VALIDATION_FAILED.message,
  ) {
    super(CORE_ERRORS.table.MEGA_VALIDATION_FAILED.status, 'MEGA_VALIDATION_FAILED', message, {
      issues,
    })
    this.name = 'ValidationError'
  }
}
