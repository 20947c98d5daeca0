// Cold-start entry, bare Fastify: GET / plus (routes - 1) routes, each with its own schema, on --port.
import Fastify from 'fastify'
import { argValue } from './server-ipc.js'
import { USER_BODY_JSON_SCHEMA } from './user-payload.js'

const routes = Number(argValue('routes', '1'))
// --shared-schemas: every route reuses one schema object per kind (diagnostic: Ajv's cache hits).
const shared = process.argv.includes('--shared-schemas')
const app = Fastify({ logger: false })
const sharedParams = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] }

app.get('/', async () => ({ hello: 'world' }))
for (let i = 1; i < routes; i++) {
  // Every route has its own schema object, as in an app with different routes (Ajv caches by object).
  if (i % 2 === 1) {
    const params = shared
      ? sharedParams
      : {
          type: 'object',
          properties: { id: { type: 'integer' }, [`part${i}`]: { type: 'string' } },
          required: ['id'],
        }
    app.get(`/items${i}/:id`, { schema: { params } }, async (req) => req.params)
  } else {
    const body = shared
      ? USER_BODY_JSON_SCHEMA
      : {
          ...USER_BODY_JSON_SCHEMA,
          properties: {
            ...USER_BODY_JSON_SCHEMA.properties,
            [`note${i}`]: { type: 'string', maxLength: 200 },
          },
        }
    app.post(`/items${i}`, { schema: { body } }, async (req) => req.body)
  }
}
await app.listen({ port: Number(argValue('port', '0')), host: '127.0.0.1' })
// --exit: stop once listening (to profile the start: node --cpu-prof ... --exit)
if (process.argv.includes('--exit')) process.exit(0)
