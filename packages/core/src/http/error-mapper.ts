import { MegaError, type MegaIssue } from '@mega/observe'
import { formatOfPattern } from '../router/zod-json-schema.js'

/** What an error becomes on the wire. */
export interface HttpFailure {
  readonly statusCode: number
  readonly code: string
  readonly message: string
  readonly issues?: readonly MegaIssue[]
  readonly details?: Readonly<Record<string, unknown>>
  /** `true` for 5xx: worth an error log line with the stack. */
  readonly unexpected: boolean
}

interface FastifyLikeError {
  readonly code?: string
  readonly statusCode?: number
  readonly message?: string
  readonly validation?: readonly AjvIssue[]
  readonly validationContext?: string
}

interface AjvIssue {
  readonly keyword?: string
  readonly instancePath?: string
  readonly message?: string
  readonly params?: {
    readonly missingProperty?: string
    readonly additionalProperty?: string
    readonly pattern?: string
  }
}

const FASTIFY_CODES: Readonly<
  Record<string, { statusCode: number; code: string; message: string }>
> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    statusCode: 400,
    code: 'MEGA_INVALID_JSON',
    message: 'The body is not valid JSON: fix its syntax.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    statusCode: 400,
    code: 'MEGA_INVALID_JSON',
    message:
      'The body is empty but its content type is JSON: send a JSON value or drop the content-type header.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    statusCode: 413,
    code: 'MEGA_PAYLOAD_TOO_LARGE',
    message: 'The body is larger than this server accepts: send less.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    statusCode: 415,
    code: 'MEGA_UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported content type: send application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    statusCode: 400,
    code: 'MEGA_BAD_REQUEST',
    message: 'The content-length header does not match the body.',
  },
  FST_ERR_BAD_URL: {
    statusCode: 400,
    code: 'MEGA_BAD_REQUEST',
    message: 'The URL is malformed (a bad %-escape): encode it properly.',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    statusCode: 414,
    code: 'MEGA_BAD_REQUEST',
    message: 'A path parameter is longer than this server accepts: shorten the URL.',
  },
}

const VALIDATION_CONTEXT: Readonly<Record<string, string>> = { querystring: 'query' }

/** Ajv errors (as Fastify reports them) → Mega issues with dotted paths such as `body.user.email`. */
export function ajvIssues(issues: readonly AjvIssue[], context = 'body'): MegaIssue[] {
  const root = VALIDATION_CONTEXT[context] ?? context
  return issues.map((issue) => {
    const segments = (issue.instancePath ?? '').split('/').filter((s) => s !== '')
    const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty
    if (extra !== undefined) segments.push(extra)
    const path = [root, ...segments]
      .map((s) => (/^\d+$/.test(s) ? `[${s}]` : s))
      .join('.')
      .replace(/\.\[/g, '[')
    return { path, message: messageOf(issue) }
  })
}

// A zod format checked by its pattern reads as the format (`must match format "email"`), as Ajv words
// its own format errors, rather than as the pattern's source.
function messageOf(issue: AjvIssue): string {
  const pattern = issue.keyword === 'pattern' ? issue.params?.pattern : undefined
  const format = pattern === undefined ? undefined : formatOfPattern(pattern)
  if (format !== undefined) return `must match format "${format}"`
  return issue.message ?? 'is invalid'
}

// What a 5xx says in production instead of its own message, which may name drivers, hosts or files.
const HIDDEN_MESSAGES: Readonly<Record<number, string>> = {
  503: 'Service unavailable: retry shortly.',
}

/**
 * A MegaError's failure. In production a 5xx says only a generic message, and no failure carries
 * `details` (the server log has them): only validation issues reach the client.
 */
function fromMegaError(err: MegaError, production: boolean): HttpFailure {
  const statusCode = err.statusCode ?? 500
  const unexpected = statusCode >= 500
  const hide = unexpected && production
  return {
    statusCode,
    code: err.code,
    message: hide ? (HIDDEN_MESSAGES[statusCode] ?? 'Internal server error.') : err.message,
    ...(err.issues === undefined || hide ? {} : { issues: err.issues }),
    ...(err.details === undefined || production ? {} : { details: err.details }),
    unexpected,
  }
}

function fromFastifyError(err: FastifyLikeError): HttpFailure | undefined {
  if (err.validation !== undefined) {
    const issues = ajvIssues(err.validation, err.validationContext)
    return {
      statusCode: 422,
      code: 'MEGA_VALIDATION_FAILED',
      message: 'Validation failed: fix the listed fields and retry.',
      issues,
      unexpected: false,
    }
  }
  const known = err.code === undefined ? undefined : FASTIFY_CODES[err.code]
  if (known !== undefined) return { ...known, unexpected: false }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return {
      statusCode: err.statusCode,
      code: STATUS_CODES[err.statusCode] ?? 'MEGA_BAD_REQUEST',
      message: err.message ?? 'Bad request.',
      unexpected: false,
    }
  }
  return undefined
}

// A 4xx from a Fastify plugin (@fastify/static's 403 on a traversal attempt, a 404...) keeps the code
// Mega uses for that status; any other 4xx is a bad request.
const STATUS_CODES: Readonly<Record<number, string>> = {
  401: 'MEGA_UNAUTHORIZED',
  403: 'MEGA_FORBIDDEN',
  404: 'MEGA_NOT_FOUND',
  409: 'MEGA_CONFLICT',
  429: 'MEGA_RATE_LIMITED',
}

/**
 * Maps anything thrown while serving a request to its HTTP failure: MegaErrors keep their code and
 * status; Fastify's validation, JSON, URL and content-type errors become 422/400/413/415; anything else
 * is a 500. With `production` set, every 5xx hides its message and no failure carries `details`.
 */
export function toHttpFailure(err: unknown, production: boolean): HttpFailure {
  if (MegaError.is(err)) return fromMegaError(err, production)
  if (typeof err === 'object' && err !== null) {
    const mapped = fromFastifyError(err)
    if (mapped !== undefined) return mapped
  }
  const message = production || !(err instanceof Error) ? 'Internal server error.' : err.message
  return { statusCode: 500, code: 'MEGA_INTERNAL', message, unexpected: true }
}
