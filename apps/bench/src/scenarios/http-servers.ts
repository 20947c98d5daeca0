// The three HTTP contenders of http-json and http-hello, each a server in its own process.
import { join } from 'node:path'
import { runLoad } from '../load/load-client.js'
import type { LoadSpec } from '../load/load-types.js'
import type { BenchCase, Contender, Goal, ScenarioContext } from '../harness/scenario.js'
import { startServer, type ServerProcess } from '../servers/server-process.js'

/** A server entry under `dist/` and the arguments it is started with. */
export interface ServerSpec {
  readonly name: string
  readonly entry: string
  readonly args?: readonly string[]
  /** A required server that cannot start fails the scenario; another one is reported unavailable. */
  readonly required: boolean
}

/** The contenders, in the order they run in each round; `fastify` is the reference. */
export const HTTP_SERVERS: readonly ServerSpec[] = [
  { name: 'fastify', entry: 'servers/http-fastify.js', required: true },
  { name: 'mega', entry: 'servers/http-mega.js', required: true },
  { name: 'nest', entry: 'servers/http-nest.js', required: false },
]

/** The servers that started, and why the others did not. */
export interface HttpState {
  readonly servers: ReadonlyMap<string, ServerProcess>
  readonly unavailable: ReadonlyMap<string, string>
}

/** Checks one server's answers before it is measured: throw when they are wrong. */
export type ServerCheck = (url: string, name: string) => Promise<void>

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Starts every server (one at a time, so their boots do not compete) and checks its answers. A
 * required server that fails stops the scenario; NestJS failing is reported as unavailable.
 */
export async function startHttpServers(
  ctx: ScenarioContext,
  check: ServerCheck,
  specs: readonly ServerSpec[] = HTTP_SERVERS,
): Promise<HttpState> {
  const servers = new Map<string, ServerProcess>()
  const unavailable = new Map<string, string>()
  try {
    for (const s of specs) {
      try {
        const server = await startServer(join(ctx.distDir, s.entry), s.args)
        servers.set(s.name, server)
        await check(server.url, s.name)
        ctx.log(`  ${s.name} listens on ${server.url} (pid ${server.pid})`)
      } catch (err) {
        if (s.required) throw err
        unavailable.set(s.name, messageOf(err))
        ctx.log(`  ${s.name} unavailable: ${messageOf(err)}`)
      }
    }
  } catch (err) {
    await stopHttpServers({ servers, unavailable })
    throw err
  }
  return { servers, unavailable }
}

/** Stops every server that started. */
export async function stopHttpServers(state: HttpState): Promise<void> {
  await Promise.all([...state.servers.values()].map((s) => s.stop()))
}

/** The goal of both HTTP scenarios: Mega at least 0.90 × bare Fastify. */
export const HTTP_GOALS: readonly Goal[] = [{ contender: 'mega', measure: 'ratio', atLeast: 0.9 }]

/** One case loading `path` of every running server with autocannon. */
export function httpCase(
  state: HttpState,
  ctx: ScenarioContext,
  goals: readonly Goal[],
  request: Pick<LoadSpec, 'method' | 'body' | 'headers'> & {
    readonly path: string
    readonly name: string
  },
  notes: readonly string[],
): BenchCase {
  const contenders: Contender[] = [...state.servers].map(([name, server]) => ({
    name,
    run: async () => {
      const cpuBefore = await server.cpuMicros()
      const load = await runLoad(ctx.distDir, {
        url: new URL(request.path, server.url).href,
        method: request.method,
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.headers === undefined ? {} : { headers: request.headers }),
        connections: ctx.connections,
        pipelining: ctx.pipelining,
        durationSec: ctx.durationSec,
      })
      const cpu = (await server.cpuMicros()) - cpuBefore
      return { value: load.rps, cpuMicrosPerOp: cpu / load.requests }
    },
  }))
  const missing = [...state.unavailable].map(([name, why]) => `${name} could not run here: ${why}`)
  return {
    name: request.name,
    unit: 'req/s',
    reference: 'fastify',
    contenders,
    goals,
    notes: [
      `autocannon in its own process: ${ctx.connections} connections × pipelining ${ctx.pipelining}, ${ctx.durationSec} s per round; each server in its own process, started once and warmed up by the warm-up round.`,
      ...notes,
      ...missing,
    ],
  }
}

/** Throws unless `actual` holds. */
export function expectThat(actual: boolean, what: string): void {
  if (!actual) throw new Error(`wrong answer: ${what}`)
}
