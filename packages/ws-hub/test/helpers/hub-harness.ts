import { afterEach } from 'vitest'
import WebSocket from 'ws'
import type { HubMessage, HubMessageType, HubPayloads } from '@mega/ws/hub-protocol'
import { MegaWsHub, type MegaWsHubConfig } from '../../src/index.js'

export const TOKEN_A = 'token-a-0123456789abcdef'
export const TOKEN_B = 'token-b-0123456789abcdef'
export const ADMIN = 'admin-0123456789abcdef'

const open: { close(): unknown }[] = []
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close()
})

/** A hub on a free port, closed after the test. */
export async function startHub(
  config: Partial<MegaWsHubConfig> = {},
): Promise<{ hub: MegaWsHub; url: string; wsUrl: string }> {
  const hub = new MegaWsHub({
    tokens: [TOKEN_A],
    adminToken: ADMIN,
    port: 0,
    host: '127.0.0.1',
    logger: false,
    ...config,
  })
  open.push(hub)
  const url = await hub.start()
  return { hub, url, wsUrl: `${url.replace(/^http/, 'ws')}${config.path ?? '/hub'}` }
}

type Received = { type: string; data: Record<string, unknown> }

/** A scripted bridge: a raw `ws` socket that records every frame and its close. */
export class TestBridge {
  readonly socket: WebSocket
  readonly frames: Received[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  readonly opened: Promise<void>
  #waiters: (() => void)[] = []

  constructor(url: string) {
    this.socket = new WebSocket(url)
    open.push({ close: () => this.socket.terminate() })
    this.socket.on('message', (data) => {
      this.frames.push(JSON.parse((data as Buffer).toString('utf8')) as Received)
      for (const wake of this.#waiters.splice(0)) wake()
    })
    this.closed = new Promise((resolve) =>
      this.socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    )
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve())
      this.socket.once('error', reject)
    })
  }

  /** Sends a frame as given (not checked: tests send bad ones too). */
  sendRaw(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  send<K extends HubMessageType>(type: K, data: HubPayloads[K]): void {
    this.sendRaw({ type, data })
  }

  /** The next frame of `type` not yet taken (frames of other types are skipped, kept). */
  async next<K extends HubMessageType>(
    type: K,
    timeoutMs = 3000,
  ): Promise<Extract<HubMessage, { type: K }>['data']> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const index = this.frames.findIndex((f) => f.type === type)
      if (index >= 0) return this.frames.splice(index, 1)[0]!.data as never
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(`no "${type}" frame; got ${JSON.stringify(this.frames.map((f) => f.type))}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => (clearTimeout(timer), resolve()))
      })
    }
  }

  /** Whether a frame of `type` arrived (and was not taken). */
  has(type: HubMessageType): boolean {
    return this.frames.some((f) => f.type === type)
  }
}

/** A bridge registered with `instanceId` (and its register_ok). */
export async function registeredBridge(
  wsUrl: string,
  instanceId: string,
  extra: Partial<HubPayloads['register']> = {},
): Promise<{ bridge: TestBridge; ok: HubPayloads['register_ok'] }> {
  const bridge = new TestBridge(wsUrl)
  await bridge.opened
  bridge.send('register', { instanceId, token: TOKEN_A, capabilities: [], ...extra })
  const ok = await bridge.next('register_ok')
  return { bridge, ok }
}

/** Round-trips a presence_query so every earlier frame of `bridge` has been handled by the hub. */
export async function settled(bridge: TestBridge): Promise<void> {
  const requestId = `sync-${Math.random().toString(36).slice(2)}`
  bridge.send('presence_query', { requestId, ns: '__sync__' })
  for (;;) {
    const result = await bridge.next('presence_result')
    if (result.requestId === requestId) return
  }
}
