import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { REQUEST_ID_HEADER, fail } from './envelope.js'
import { toHttpFailure } from './error-mapper.js'
import { sendFailure } from './error-handler.js'

/**
 * Headers every error answered outside the normal request path carries: such answers never go
 * through the `security()` plugin's hooks, and their body is JSON nobody should render.
 */
export const MINIMAL_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
} as const

/**
 * Fastify's `frameworkErrors`: a URL that cannot be decoded (`GET /%zz`) or a path parameter past
 * `maxParamLength` is answered before routing, hence before any hook; this sends it as the envelope
 * (or problem details), with the request id and {@link MINIMAL_SECURITY_HEADERS}.
 */
export function frameworkErrors(
  production: boolean,
): (error: Error, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id).headers(MINIMAL_SECURITY_HEADERS)
    const failure = toHttpFailure(error, production)
    request.log.info({ code: failure.code, statusCode: failure.statusCode }, 'request rejected')
    void sendFailure(failure, request, reply)
  }
}

interface ClientError {
  readonly statusCode: number
  readonly code: string
  readonly message: string
}

function clientFailure(err: NodeJS.ErrnoException): ClientError {
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return {
      statusCode: 431,
      code: 'MEGA_HEADERS_TOO_LARGE',
      message:
        'The request headers are larger than this server accepts: send fewer or shorter headers.',
    }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return {
      statusCode: 408,
      code: 'MEGA_REQUEST_TIMEOUT',
      message: 'The request took too long to arrive: send it again.',
    }
  return {
    statusCode: 400,
    code: 'MEGA_BAD_REQUEST',
    message:
      'The request is malformed (its method, headers or framing): send a valid HTTP/1.1 request.',
  }
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses (an unknown method, a duplicate
 * `Content-Length`, `Content-Length` with `Transfer-Encoding`, a bad chunk, headers past
 * `maxHeaderSize`) never becomes a request. It gets the failure envelope on the raw socket, with a
 * fresh request id and {@link MINIMAL_SECURITY_HEADERS}, and the connection is closed.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  err: NodeJS.ErrnoException,
  socket: Socket,
): void {
  // A reset connection is already gone: nothing to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const failure = clientFailure(err)
  const requestId = randomUUID()
  this.log.debug({ err, code: failure.code, reqId: requestId }, 'client error')
  if (socket.writable) {
    const body = JSON.stringify(fail(failure.code, failure.message, requestId))
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
      [REQUEST_ID_HEADER]: requestId,
      ...MINIMAL_SECURITY_HEADERS,
    }
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')
    const reason = STATUS_CODES[failure.statusCode] ?? 'Bad Request'
    socket.write(`HTTP/1.1 ${failure.statusCode} ${reason}\r\n${head}\r\n${body}`)
  }
  socket.destroy(err)
}
