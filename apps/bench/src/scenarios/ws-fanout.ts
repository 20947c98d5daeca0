// WebSocket fan-out: N clients on one server, a publisher's broadcasts delivered to all of them.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchCase, Contender, Goal, ScenarioContext } from '../harness/scenario.js'
import { defineScenario } from '../harness/scenario.js'
import type { FleetKind } from '../load/fleet-types.js'
import { openFleet, type Fleet } from '../load/ws-fleet.js'
import { startServer, type ServerProcess } from '../servers/server-process.js'

/** The contenders in the order they run in each round; raw `ws` is the reference. */
const SERVERS: readonly { name: FleetKind; entry: string; required: boolean }[] = [
  { name: 'ws', entry: 'servers/ws-raw.js', required: true },
  { name: 'mega', entry: 'servers/ws-mega.js', required: true },
  { name: 'socket.io', entry: 'servers/ws-socketio.js', required: false },
]

/** Receiving clients of the two fan-out sizes, and of the idle-heap case (scaled down by --quick). */
const FANOUT_CLIENTS = [1000, 5000] as const
const IDLE_CLIENTS = 1000
/** Broadcasts in flight: the next one goes out when one has reached every client. */
const WINDOW = 4
/** File descriptors a process needs besides its sockets (node, IPC, stdio). */
const FD_MARGIN = 100

const FANOUT_GOALS: readonly Goal[] = [
  { contender: 'mega', measure: 'ratio', atLeast: 0.9 },
  { contender: 'mega', measure: 'ratio', versus: 'socket.io', atLeast: 2 },
]
const HEAP_GOALS: readonly Goal[] = [{ contender: 'mega', measure: 'value', atMost: 10 }]

interface FanoutState {
  readonly servers: ReadonlyMap<FleetKind, ServerProcess>
  readonly unavailable: ReadonlyMap<string, string>
  /** Connected fleets, one per contender, kept across the rounds of one size. */
  readonly fleets: Map<string, Fleet>
  /** p99 latency of each measured round, by size and contender, for the latency cases. */
  readonly p99: Map<string, number[]>
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** The soft limit on open files of this process (inherited by its children); `undefined` off Linux. */
export function openFileLimit(limits?: string): number | undefined {
  let text = limits
  try {
    text ??= readFileSync('/proc/self/limits', 'utf8')
  } catch {
    return undefined
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1]
  return soft === undefined || soft === 'unlimited' ? undefined : Number(soft)
}

function scaled(clients: number, ctx: ScenarioContext): number {
  return Math.max(20, Math.round(clients * ctx.iterationScale))
}

const count = new Intl.NumberFormat('en-US')

/** Each server receives a broadcast on every client but the publisher's, before it is measured. */
async function checkServer(ctx: ScenarioContext, name: FleetKind, url: string): Promise<void> {
  const fleet = await openFleet(ctx.distDir, { kind: name, url, clients: 3, publisher: true })
  try {
    const run = await fleet.fanout(0.05, 1)
    if (run.published < 1 || run.deliveries !== run.published * 3)
      throw new Error(`wrong answer: ${name} delivered ${run.deliveries} of ${run.published} × 3`)
  } finally {
    await fleet.close()
  }
}

async function setup(ctx: ScenarioContext): Promise<FanoutState> {
  const servers = new Map<FleetKind, ServerProcess>()
  const unavailable = new Map<string, string>()
  const state = { servers, unavailable, fleets: new Map<string, Fleet>(), p99: new Map() }
  try {
    for (const s of SERVERS) {
      try {
        const server = await startServer(join(ctx.distDir, s.entry), [], {
          execArgv: ['--expose-gc'],
        })
        servers.set(s.name, server)
        await checkServer(ctx, s.name, server.url)
        ctx.log(`  ${s.name} listens on ${server.url} (pid ${server.pid})`)
      } catch (err) {
        if (s.required) throw err
        unavailable.set(s.name, messageOf(err))
        ctx.log(`  ${s.name} unavailable: ${messageOf(err)}`)
      }
    }
  } catch (err) {
    await teardown(state)
    throw err
  }
  return state
}

async function teardown(state: FanoutState): Promise<void> {
  await closeFleets(state)
  await Promise.all([...state.servers.values()].map((s) => s.stop()))
}

/** Closes every fleet but the ones of `keep` clients (one size's fleets stay across its rounds). */
async function closeFleets(state: FanoutState, keep?: number): Promise<void> {
  const closing = [...state.fleets].filter(([key]) => !key.startsWith(`${keep}:`))
  for (const [key] of closing) state.fleets.delete(key)
  await Promise.all(closing.map(([, fleet]) => fleet.close()))
  if (closing.length > 0) await sleep(300) // the servers see the closes and free the sockets
}

async function fleetFor(
  state: FanoutState,
  ctx: ScenarioContext,
  name: FleetKind,
  url: string,
  clients: number,
): Promise<Fleet> {
  const key = `${clients}:${name}`
  const open = state.fleets.get(key)
  if (open !== undefined) return open
  await closeFleets(state, clients)
  const fleet = await openFleet(ctx.distDir, { kind: name, url, clients, publisher: true })
  state.fleets.set(key, fleet)
  return fleet
}

function missingNotes(state: FanoutState): string[] {
  return [...state.unavailable].map(([name, why]) => `${name} could not run here: ${why}`)
}

function fdShortage(clients: number): string | undefined {
  const limit = openFileLimit()
  const needed = clients + FD_MARGIN
  return limit === undefined || limit >= needed
    ? undefined
    : `${count.format(clients)} clients need \`ulimit -n\` ≥ ${needed} in the shell running the bench (it is ${limit}; the server and the clients each hold one descriptor per connection, in their own processes)`
}

function fanoutCases(state: FanoutState, ctx: ScenarioContext, clients: number): BenchCase[] {
  const name = `fan-out to ${count.format(clients)} clients`
  const shortage = fdShortage(clients)
  if (shortage !== undefined)
    return [
      { name, unit: 'msg/s', contenders: [], unavailable: shortage },
      { name: `${name}: p99 latency`, unit: 'ms', contenders: [], unavailable: shortage },
    ]
  const throughput: Contender[] = [...state.servers].map(([kind, server]) => ({
    name: kind,
    run: async ({ round, warmup }) => {
      const fleet = await fleetFor(state, ctx, kind, server.url, clients)
      const cpuBefore = await server.cpuMicros()
      const run = await fleet.fanout(ctx.durationSec, WINDOW)
      const cpu = (await server.cpuMicros()) - cpuBefore
      if (!warmup) {
        const key = `${clients}:${kind}`
        const rounds = state.p99.get(key) ?? []
        rounds[round] = run.latencyP99Ms
        state.p99.set(key, rounds)
      }
      return { value: run.deliveries / run.seconds, cpuMicrosPerOp: cpu / run.deliveries }
    },
  }))
  const latency: Contender[] = [...state.servers.keys()].map((kind) => ({
    name: kind,
    run: async ({ round, warmup }) => {
      if (warmup) return 0
      const p99 = state.p99.get(`${clients}:${kind}`)?.[round]
      if (p99 === undefined) throw new Error(`the deliveries case measured no round ${round + 1}`)
      return p99
    },
  }))
  return [
    {
      name,
      unit: 'msg/s',
      reference: 'ws',
      contenders: throughput,
      goals: FANOUT_GOALS,
      notes: [
        `${count.format(clients)} receiving clients and one publisher, all in one client process (its own, not the server's); each server in its own process, started once. A round publishes for ${ctx.durationSec} s with ${WINDOW} broadcasts in flight (the next goes out when one has reached every client), then waits for the last deliveries; msg/s = deliveries / (last delivery − first publish). The clients stay connected across the rounds of a size.`,
        'A message is `{ seq, t, text }` (~100 bytes of JSON); every client parses each one. CPU µs/op is the server process’s CPU time per delivery: the steadier measure here, since the clients share the machine.',
        'ws: `WebSocketServer`, `JSON.stringify` once, `client.send` in a loop over `wss.clients`. mega: `createApp` + `ws()` + a `defineChannel` handler calling `ctx.presence.broadcast(…, { except })` (zod-checked publish, envelope with a ULID id). socket.io: `socket.to(room).emit`, clients with `socket.io-client` on the websocket transport. All three skip the publisher.',
        ...missingNotes(state),
      ],
    },
    {
      name: `${name}: p99 latency`,
      unit: 'ms',
      reference: 'ws',
      contenders: latency,
      notes: [
        'From the same rounds as the case above (no extra load): publish → receipt at the client, one clock (the publisher and the clients share the client process). With 4 broadcasts in flight, it includes waiting behind up to 3 earlier ones.',
      ],
    },
  ]
}

function heapCase(state: FanoutState, ctx: ScenarioContext): BenchCase {
  const clients = scaled(IDLE_CLIENTS, ctx)
  const name = `heap per idle connection (${count.format(clients)} clients)`
  const shortage = fdShortage(clients)
  if (shortage !== undefined) return { name, unit: 'KB', contenders: [], unavailable: shortage }
  const contenders: Contender[] = [...state.servers].map(([kind, server]) => ({
    name: kind,
    run: async () => {
      await closeFleets(state)
      const before = await server.heapUsed()
      const fleet = await openFleet(ctx.distDir, {
        kind,
        url: server.url,
        clients,
        publisher: false,
      })
      try {
        const after = await server.heapUsed()
        return Math.max(0, (after - before) / clients / 1024)
      } finally {
        await fleet.close()
        await sleep(300)
      }
    },
  }))
  return {
    name,
    unit: 'KB',
    reference: 'ws',
    contenders,
    goals: HEAP_GOALS,
    notes: [
      `The server's \`heapUsed\` after a full GC (\`--expose-gc\`, asked over IPC) with ${count.format(clients)} idle clients connected, minus the same with none, per connection. JavaScript heap only: socket buffers outside it are not counted.`,
      ...missingNotes(state),
    ],
  }
}

export default defineScenario<FanoutState>({
  name: 'ws-fanout',
  title: 'WebSocket broadcast from one publisher to N clients: deliveries/s, p99 latency, heap',
  setup,
  contenders: (state, ctx) => [
    ...FANOUT_CLIENTS.flatMap((n) => fanoutCases(state, ctx, scaled(n, ctx))),
    heapCase(state, ctx),
  ],
  teardown,
})
