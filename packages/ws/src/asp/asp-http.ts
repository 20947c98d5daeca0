import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AspCodec } from './asp-codec.js'

/** The content type of an ASP-sealed HTTP body (request or response). */
export const ASP_CONTENT_TYPE = 'application/vnd.mega.asp+json'

const SEALED = Symbol.for('mega.asp.sealedRequest')
type Marked = FastifyRequest & { [SEALED]?: true }

/**
 * ASP for HTTP: a request whose body has {@link ASP_CONTENT_TYPE} is opened (a failure is a 400
 * `MEGA_WS_ASP_DECRYPT_FAILED`), its JSON parsed as any JSON body, and the response to it sealed
 * the same way. Other requests are untouched.
 */
export function installAspHttp(fastify: FastifyInstance, codec: AspCodec): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error')
  fastify.addContentTypeParser(
    ASP_CONTENT_TYPE,
    { parseAs: 'string' },
    (request: FastifyRequest, body: string | Buffer, done) => {
      codec.open(String(body)).then(
        (text) =>
          parseJson(request, text, (err, value) => {
            if (err === null) (request as Marked)[SEALED] = true
            done(err, value)
          }),
        (err: Error) => done(err, undefined),
      )
    },
  )
  fastify.addHook('onSend', async (request, reply, payload) => {
    if ((request as Marked)[SEALED] !== true || typeof payload !== 'string') return payload
    void reply.header('content-type', ASP_CONTENT_TYPE)
    return codec.seal(payload)
  })
}
