// Not part of a full run: bare Fastify with @mega/core's per-request mechanisms added one at a time
// (src/profile/ablation-server.ts), next to the real Mega server. It measures what each mechanism
// costs, to explain a missed http goal. Run it by name: pnpm bench mega-overhead.
import { defineScenario } from '../harness/scenario.js'
import { ABLATION_STEPS } from '../profile/ablation-server-steps.js'
import { SAMPLE_USER } from '../servers/user-payload.js'
import {
  expectThat,
  httpCase,
  startHttpServers,
  stopHttpServers,
  type HttpState,
  type ServerSpec,
} from './http-servers.js'

function ablation(name: string, steps: readonly string[]): ServerSpec {
  return {
    name,
    entry: 'profile/ablation-server.js',
    args: ['--steps', steps.join(',')],
    required: true,
  }
}

const SERVERS: readonly ServerSpec[] = [
  { name: 'fastify', entry: 'servers/http-fastify.js', required: true },
  ...ABLATION_STEPS.map((step, i) => ablation(`+${step}`, ABLATION_STEPS.slice(0, i + 1))),
  { name: 'mega', entry: 'servers/http-mega.js', required: true },
  ablation('what-if: ctx on request', [...ABLATION_STEPS, 'ctxprop']),
  ablation('what-if: + hooks only when used', [
    ...ABLATION_STEPS.filter((s) => s !== 'hooks'),
    'ctxprop',
  ]),
]

async function checkServer(url: string, name: string): Promise<void> {
  const hello = await fetch(url)
  expectThat(hello.status === 200, `${name} GET / → ${hello.status}`)
  const created = await fetch(new URL('/users', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(SAMPLE_USER),
  })
  expectThat(created.status === 201, `${name} POST /users → ${created.status}`)
}

const NOTES = [
  `Each "+step" server is bare Fastify plus that step and every step above it: ${ABLATION_STEPS.join(' → ')} (see src/profile/ablation-server.ts); "+envelope" re-creates Mega's request path without Mega, "mega" is the real thing.`,
  '"what-if: ctx on request" keeps every step but stores the per-request context on the request (a `decorateRequest` symbol) instead of a WeakMap; "what-if: + hooks only when used" also drops the four empty async hooks (Mega with no plugin hooks and no `before`).',
  'CPU µs/op is the server process CPU time (user + system) per request: the cost of each step, robust to other load on the machine.',
]

export default defineScenario<HttpState>({
  name: 'mega-overhead',
  title: "what each of @mega/core's per-request mechanisms costs over bare Fastify",
  setup: (ctx) => startHttpServers(ctx, checkServer, SERVERS),
  contenders: (state, ctx) => [
    httpCase(state, ctx, [], { name: 'GET /', path: '/', method: 'GET' }, NOTES),
    httpCase(
      state,
      ctx,
      [],
      {
        name: 'POST /users',
        path: '/users',
        method: 'POST',
        body: JSON.stringify(SAMPLE_USER),
        headers: { 'content-type': 'application/json' },
      },
      NOTES,
    ),
  ],
  teardown: stopHttpServers,
})
