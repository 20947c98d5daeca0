// Bare Fastify (the reference): hand-written JSON Schema, Fastify's defaults, no logger.
import Fastify from 'fastify'
import { announce, argValue } from './server-ipc.js'
import { USER_BODY_JSON_SCHEMA, USER_RESPONSE_JSON_SCHEMA, type UserBody } from './user-payload.js'

const app = Fastify({ logger: false })
let nextId = 0

app.get('/', async () => ({ hello: 'world' }))
app.post(
  '/users',
  { schema: { body: USER_BODY_JSON_SCHEMA, response: { 201: USER_RESPONSE_JSON_SCHEMA } } },
  async (request, reply) => {
    void reply.code(201)
    return { id: ++nextId, ...(request.body as UserBody) }
  },
)

announce(await app.listen({ port: Number(argValue('port', '0')), host: '127.0.0.1' }))
