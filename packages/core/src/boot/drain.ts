import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sendFailure } from '../http/error-handler.js'

/**
 * Tracks requests in flight; once closing, resolves when they finish. New requests are answered 503
 * (`refuse`, for a process behind a load balancer that stops routing to it) or served with
 * `connection: close` (a cluster worker: its siblings take the next connection, nothing is dropped).
 */
export class RequestDrain {
  #closing = false
  readonly #refuse: boolean

  constructor(refuse = true) {
    this.#refuse = refuse
  }

  readonly #inFlight = new Set<FastifyRequest>()
  #drained: (() => void) | undefined

  get closing(): boolean {
    return this.#closing
  }

  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      if (this.#closing) void reply.header('connection', 'close')
      if (!this.#closing || !this.#refuse) {
        // A WebSocket upgrade is not a request in flight: Fastify never runs `onResponse` for the
        // hijacked reply, and the plugin that owns the socket closes it on server close (ws: 4503).
        if (request.headers.upgrade === undefined) this.#inFlight.add(request)
        return done()
      }
      void sendFailure(
        {
          statusCode: 503,
          code: 'MEGA_UNAVAILABLE',
          message: 'Shutting down: retry on another instance.',
          unexpected: false,
        },
        request,
        reply,
      )
    })
    fastify.addHook('onResponse', (request, _reply, done) => {
      this.#inFlight.delete(request)
      if (this.#inFlight.size === 0) this.#drained?.()
      done()
    })
  }

  /**
   * Starts refusing new requests and resolves when none is in flight, or after `timeoutMs` with the
   * requests still running then (the caller cuts them: a stalled request must not hold the stop).
   */
  async close(timeoutMs: number): Promise<FastifyRequest[]> {
    this.#closing = true
    if (this.#inFlight.size === 0) return []
    let timer: NodeJS.Timeout | undefined
    await new Promise<void>((resolve) => {
      this.#drained = resolve
      timer = setTimeout(resolve, timeoutMs)
    })
    clearTimeout(timer)
    return [...this.#inFlight]
  }
}
