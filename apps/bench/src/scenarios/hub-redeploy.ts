// A redeploy behind the WebSocket hub: clients spread over two bridges keep talking while one bridge
// is drained by the hub's admin API and restarted; what reached them, and how fast they came back.
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, isReachable, serviceUrl, uniqueName } from '@mega/test-utils'
import type { BenchCase, ScenarioContext } from '../harness/scenario.js'
import { defineScenario } from '../harness/scenario.js'
import type { HubClientSpec } from '../load/hub-fleet-types.js'
import { openHubFleet } from '../load/hub-fleet.js'
import { HUB_ADMIN_TOKEN } from '../servers/hub-payload.js'
import { startServer, type ServerProcess } from '../servers/server-process.js'

/** Clients of a full run (--quick: 20), half on each bridge, in rooms of {@link ROOM_SIZE}. */
const CLIENTS = 100
const ROOM_SIZE = 10
/** Messages each client says per second. */
const RATE = 2
/** Seconds of steady traffic before the drain. */
const DRAIN_AFTER_SEC = 1

interface Bridge {
  readonly instance: string
  readonly port: number
  process: ServerProcess
}

interface RedeployState {
  readonly unavailable?: string
  readonly hub?: ServerProcess
  readonly bridges: readonly Bridge[]
  readonly start: (instance: string, port: number) => Promise<ServerProcess>
  /** Reconnect p95 (ms) of each measured round, for the second case. */
  readonly p95: number[]
}

interface BridgeInfo {
  readonly instanceId: string
  readonly interest: { readonly namespaces: number }
}

function hubAdmin(hub: ServerProcess) {
  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${HUB_ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    if (!res.ok) throw new Error(`hub admin ${method} ${path}: ${res.status} ${await res.text()}`)
    return ((await res.json()) as { data: T }).data
  }
}

async function bridgesOf(hub: ServerProcess): Promise<BridgeInfo[]> {
  return (await hubAdmin(hub)<{ bridges: BridgeInfo[] }>('GET', '/admin/bridges')).bridges
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

async function setup(ctx: ScenarioContext): Promise<RedeployState> {
  const redisUrl = serviceUrl('redis') ?? 'redis://127.0.0.1:6379'
  if (!(await isReachable('redis', redisUrl)))
    return { unavailable: `no Redis at ${redisUrl}`, bridges: [], start: unavailable, p95: [] }
  const hub = await startServer(join(ctx.distDir, 'servers/hub-server.js'))
  const hubWs = `${hub.url.replace(/^http/, 'ws')}/hub`
  const app = uniqueName('hubbench')
  const start = (instance: string, port: number) =>
    startServer(join(ctx.distDir, 'servers/hub-bridge.js'), [
      ...['--hub', hubWs, '--redis', redisUrl, '--app', app],
      ...['--instance', instance, '--port', String(port)],
    ])
  const bridges: Bridge[] = []
  try {
    for (const instance of ['a', 'b']) {
      const port = await freePort()
      bridges.push({ instance, port, process: await start(instance, port) })
    }
    await until('both bridges registered', async () => (await bridgesOf(hub)).length === 2)
  } catch (err) {
    await Promise.all([hub, ...bridges.map((b) => b.process)].map((p) => p.stop()))
    throw err
  }
  ctx.log(`  hub ${hub.url}, bridges on ports ${bridges.map((b) => b.port).join(', ')}`)
  return { hub, bridges, start, p95: [] }
}

function unavailable(): Promise<never> {
  return Promise.reject(new Error('the scenario is not available here'))
}

async function teardown(state: RedeployState): Promise<void> {
  const processes = state.bridges.map((b) => b.process)
  if (state.hub !== undefined) processes.push(state.hub)
  await Promise.all(processes.map((p) => p.stop()))
}

/** Client i: room ⌊i / ROOM_SIZE⌋, on bridge a when even and b when odd, the other one next. */
function clientSpecs(state: RedeployState, clients: number): HubClientSpec[] {
  const urls = state.bridges.map((b) => `ws://127.0.0.1:${b.port}`)
  return Array.from({ length: clients }, (_, id) => {
    const room = Math.floor(id / ROOM_SIZE)
    const own = id % 2
    return { id, room, urls: [own, 1 - own].map((i) => `${urls[i] ?? ''}/rooms/${room}`) }
  })
}

/** Drains bridge a through the hub's admin API, waits until it holds nobody, restarts it. */
async function redeploy(state: RedeployState, hub: ServerProcess): Promise<void> {
  const bridge = state.bridges[0] as Bridge
  await hubAdmin(hub)('POST', `/admin/bridges/${bridge.instance}/drain`, { reason: 'redeploy' })
  const empty = async () =>
    (await bridgesOf(hub)).find((b) => b.instanceId === bridge.instance)?.interest.namespaces === 0
  await until('the drained bridge to hold nobody', empty)
  await bridge.process.stop(15_000)
  bridge.process = await state.start(bridge.instance, bridge.port)
  await until('the restarted bridge registered', async () =>
    (await bridgesOf(hub)).some((b) => b.instanceId === bridge.instance),
  )
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

function cases(state: RedeployState, ctx: ScenarioContext): BenchCase[] {
  const delivery = 'delivery through a drain and restart'
  const reconnect = 'reconnect of the drained clients: p95'
  if (state.unavailable !== undefined || state.hub === undefined)
    return [
      { name: delivery, unit: '%', contenders: [], unavailable: state.unavailable ?? 'no hub' },
      { name: reconnect, unit: 'ms', contenders: [], unavailable: state.unavailable ?? 'no hub' },
    ]
  const hub = state.hub
  const clients = Math.max(20, Math.round(CLIENTS * ctx.iterationScale))
  const seconds = Math.max(4, 2 * ctx.durationSec)
  // The rounds add what they counted (the case's notes are read once every round ran).
  const notes = [
    `${clients} clients (@mega/ws-client, Node build with \`ws\`, in one process of their own) in rooms of ${ROOM_SIZE}, half on bridge a and half on bridge b (each client knows both: its own first). Every client says ${RATE} messages a second for ${seconds} s; a bridge broadcasts each to the room (\`ctx.presence.broadcast\`, the others of the room on the other bridge through the hub). Bridges: \`createApp\` + \`ws({ hub: { history: 'cache' } })\` on Redis, each in its own process; the hub: \`MegaWsHub\` in its own.`,
    `After ${DRAIN_AFTER_SEC} s the harness calls \`POST /admin/bridges/a/drain\`: bridge a closes its clients with 4503, they move to b at once and resume (\`mega.resume\`, the shared history replays what they missed). Once a holds nobody it is stopped (SIGTERM) and started again on the same port. The clients keep talking throughout.`,
    'A message is retried until a bridge acknowledges it (a 4503 mid-request leaves it unknown); delivery % = deliveries that arrived (each message once per receiver) / acknowledged messages × the other clients of their room, counted after the run settles (at most 10 s).',
  ]
  return [
    {
      name: delivery,
      unit: '%',
      goals: [{ contender: 'mega', measure: 'value', atLeast: 100 }],
      contenders: [
        {
          name: 'mega',
          run: async ({ round, warmup }) => {
            const fleet = await openHubFleet(ctx.distDir, clientSpecs(state, clients))
            try {
              const running = fleet.run(seconds, RATE)
              await sleep(DRAIN_AFTER_SEC * 1000)
              await redeploy(state, hub)
              const r = await running
              if (r.expected === 0) throw new Error('no message was acknowledged')
              if (!warmup) {
                state.p95[round] = percentile(r.reconnectMs, 95)
                notes.push(
                  `Round ${round + 1}: ${r.delivered} of ${r.expected} deliveries (${r.acked} messages acknowledged, ${r.unsent} given up; ${r.reconnectMs.length} reconnects, ${r.gaps} gaps).`,
                )
              }
              return (100 * r.delivered) / r.expected
            } finally {
              await fleet.close()
            }
          },
        },
      ],
      notes,
    },
    {
      name: reconnect,
      unit: 'ms',
      contenders: [
        {
          name: 'mega',
          run: async ({ round, warmup }) => {
            if (warmup) return 0
            const p95 = state.p95[round]
            if (p95 === undefined || Number.isNaN(p95))
              throw new Error(`the delivery case measured no reconnect in round ${round + 1}`)
            return p95
          },
        },
      ],
      notes: [
        'From the same rounds (no extra load): for each client of the drained bridge, its 4503 close → its next open on the other bridge, at the client; the p95 of each round.',
      ],
    },
  ]
}

export default defineScenario<RedeployState>({
  name: 'hub-redeploy',
  title:
    'WebSocket clients on two hub bridges while one is drained and restarted: delivery %, reconnect p95',
  setup,
  contenders: cases,
  teardown,
})
