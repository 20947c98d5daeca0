// POST /users: a JSON body validated against a schema, a JSON response.
import { defineScenario } from '../harness/scenario.js'
import { SAMPLE_USER } from '../servers/user-payload.js'
import {
  HTTP_GOALS,
  expectThat,
  httpCase,
  startHttpServers,
  stopHttpServers,
  type HttpState,
} from './http-servers.js'

const JSON_HEADERS = { 'content-type': 'application/json' }

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(new URL('/users', url), {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify(body),
  })
  return { status: res.status, json: await res.json() }
}

/** Each server must create (201), strip unknown fields and reject an invalid body (400 or 422). */
async function checkServer(url: string, name: string): Promise<void> {
  const created = await post(url, { ...SAMPLE_USER, extra: 'dropped' })
  const user = ((created.json as { data?: unknown }).data ?? created.json) as Record<
    string,
    unknown
  >
  expectThat(created.status === 201, `${name} POST /users → ${created.status}, expected 201`)
  expectThat(
    user.email === SAMPLE_USER.email && typeof user.id === 'number',
    `${name} echoes the user`,
  )
  expectThat(!('extra' in user), `${name} strips unknown fields`)
  const rejected = await post(url, { name: 'A', email: 'not-an-email', age: 3.5, role: 'root' })
  expectThat(
    [400, 422].includes(rejected.status),
    `${name} rejects an invalid body (${rejected.status})`,
  )
}

export default defineScenario<HttpState>({
  name: 'http-json',
  title: 'POST /users with a JSON body validated against a schema, JSON response',
  setup: (ctx) => startHttpServers(ctx, checkServer),
  contenders: (state, ctx) => [
    httpCase(
      state,
      ctx,
      HTTP_GOALS,
      {
        name: 'POST /users',
        path: '/users',
        method: 'POST',
        body: JSON.stringify(SAMPLE_USER),
        headers: JSON_HEADERS,
      },
      [
        'fastify: hand-written JSON Schema for body and 201 response (Ajv + fast-json-stringify), Fastify defaults.',
        'mega: `createApp` + `defineRoutes`, the same schema in zod (body and response), answer wrapped in `{ ok, data }`, `x-request-id` header.',
        'nest: NestJS on `FastifyAdapter`, `ValidationPipe({ whitelist: true })` with a class-validator DTO (the documented Nest way), no response schema.',
        'Every server is checked first: 201 with the user, unknown fields stripped, an invalid body rejected.',
      ],
    ),
  ],
  teardown: stopHttpServers,
})
