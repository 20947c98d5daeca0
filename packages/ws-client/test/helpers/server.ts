import { afterEach } from 'vitest'
import WebSocket from 'ws'
import { z } from 'zod'
import {
  createApp,
  defineRoutes,
  type BeforeHook,
  type CreateAppOptions,
  type MegaServer,
} from '@mega/core'
import { defineChannel, ws, type WsOptions } from '@mega/ws'
import {
  MegaWsClient,
  type WsClientConfig,
  type WsClientEventName,
  type WsClientEvents,
} from '../../src/index.js'

const servers: MegaServer[] = []
const clients: { close(): void }[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** Upgrades wait for this gate (a test holds a reconnect back with it). */
export const gate: { open: Promise<void> } = { open: Promise.resolve() }

const asUser: BeforeHook = async (ctx) => {
  await gate.open
  return { userId: (ctx.query as { u?: string }).u ?? 'anon' }
}

/** What the board's `record` handler got, in the order the server handled it (tests clear it). */
export const recorded: unknown[] = []

/**
 * A board with history: echo, a validated message, a slow one, one that kills the socket, and one
 * that records its payload.
 */
export const Board = defineChannel({
  messages: {
    echo: z.unknown(),
    'note.create': z.object({ title: z.string().min(1) }),
    slow: z.number(),
    die: z.undefined(),
    record: z.unknown(),
  },
  onConnect: (ctx) => ctx.presence.join({ userId: (ctx.auth as { userId: string }).userId }),
  handlers: {
    echo: (data) => ({ echoed: data }),
    'note.create': async ({ title }, ctx) => {
      await ctx.presence.broadcast('note.created', { title })
      return { ok: true }
    },
    slow: async (ms) => {
      await new Promise((r) => setTimeout(r, ms))
      return 'late'
    },
    die: (_p, ctx) => {
      ctx.conn.raw.terminate()
    },
    record: (data) => {
      recorded.push(data)
    },
  },
})

/** The routes: the board, a broadcast and a kick over HTTP. */
export const boardRoutes = defineRoutes((r) => {
  r.ws('/board', Board, { before: [asUser], history: true, ns: 'board' })
  r.post('/say/:n', async (ctx) =>
    ctx.presence
      .in('board')
      .broadcast('note.created', { n: Number((ctx.params as { n: string }).n) }),
  )
  r.post('/kick/:user', (ctx) => {
    ctx.presence.kick(
      { userId: (ctx.params as { user: string }).user },
      { requeue: (ctx.query as { requeue?: string }).requeue === '1' },
    )
    return { ok: true }
  })
})

/** A server with the ws() plugin on a free port; closed after the test. */
export async function serve(
  options: Partial<CreateAppOptions> = {},
  wsOptions: WsOptions = {},
): Promise<{ server: MegaServer; url: string; wsUrl: string }> {
  const server = createApp({
    logger: false,
    routes: boardRoutes,
    ...options,
    plugins: [ws(wsOptions), ...(options.plugins ?? [])],
  })
  servers.push(server)
  const url = await server.listen()
  return { server, url, wsUrl: url.replace(/^http/, 'ws') }
}

/** A client on `ws`'s WebSocket (Node 20 has none), closed after the test. */
export function client<In extends object = Record<string, unknown>>(
  config: WsClientConfig,
): MegaWsClient<In> {
  const c = new MegaWsClient<In>({ WebSocket, ...config })
  clients.push(c)
  return c
}

/** The next `name` event of `c`. */
export function nextEvent<K extends WsClientEventName>(
  c: Pick<MegaWsClient, 'onEvent'>,
  name: K,
  match: (event: WsClientEvents[K]) => boolean = () => true,
): Promise<WsClientEvents[K]> {
  return new Promise((resolve) => {
    const off = c.onEvent(name, (event) => {
      if (!match(event)) return
      off()
      resolve(event)
    })
  })
}

/** Every event of `c`, as `name` or `name:detail`, for order checks. */
export function recordEvents(c: Pick<MegaWsClient, 'onEvent'>): string[] {
  const log: string[] = []
  c.onEvent('connecting', () => log.push('connecting'))
  c.onEvent('open', (e) => log.push(`open:v${e.version}`))
  c.onEvent('closed', (e) => log.push(`closed:${e.code}:${e.final ? 'final' : 'again'}`))
  c.onEvent('reconnecting', (e) => log.push(`reconnecting:${e.attempt}`))
  c.onEvent('gap', () => log.push('gap'))
  return log
}
