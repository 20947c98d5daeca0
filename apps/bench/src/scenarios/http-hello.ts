// GET / returning a small JSON object.
import { defineScenario } from '../harness/scenario.js'
import {
  HTTP_GOALS,
  expectThat,
  httpCase,
  startHttpServers,
  stopHttpServers,
  type HttpState,
} from './http-servers.js'

async function checkServer(url: string, name: string): Promise<void> {
  const res = await fetch(url)
  const body = (await res.json()) as { hello?: string; data?: { hello?: string } }
  expectThat(res.status === 200, `${name} GET / → ${res.status}, expected 200`)
  expectThat((body.data ?? body).hello === 'world', `${name} GET / says hello`)
}

export default defineScenario<HttpState>({
  name: 'http-hello',
  title: 'GET / returning a small JSON object',
  setup: (ctx) => startHttpServers(ctx, checkServer),
  contenders: (state, ctx) => [
    httpCase(state, ctx, HTTP_GOALS, { name: 'GET /', path: '/', method: 'GET' }, [
      'Each contender as its users write it: no schema, `{ hello: "world" }` serialised with JSON.stringify; mega wraps it in `{ ok, data }` and adds `x-request-id`.',
    ]),
  ],
  teardown: stopHttpServers,
})
