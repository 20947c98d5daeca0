// The hub-redeploy clients in their own process: @mega/ws-client (its Node build, with `ws`), each
// in a room spread over two bridges, saying a steady number of messages a second and counting what
// reaches it. A message is retried until a bridge acknowledges it; receivers count each once.
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket from 'ws'
import { MegaWsClient } from '@mega/ws-client'
import { SAID_TYPE, SAY_TYPE, type SayPayload } from '../servers/hub-payload.js'
import type {
  HubClientSpec,
  HubFleetMessage,
  HubRunCommand,
  HubRunResult,
} from './hub-fleet-types.js'

/** A message not acknowledged after this long of retrying is given up (counted as unsent). */
const GIVE_UP_MS = 20_000
/** After the last acknowledgement, deliveries may take this long to settle (resumes, replays). */
const SETTLE_MS = 10_000

interface Member {
  readonly spec: HubClientSpec
  readonly client: MegaWsClient<{ [SAID_TYPE]: SayPayload }>
  readonly received: Set<string>
  closedAt?: number
}

const specs = JSON.parse(process.argv[2] ?? '[]') as HubClientSpec[]
const members: Member[] = []
const reconnectMs: number[] = []
let gaps = 0

function send(message: HubFleetMessage): void {
  process.send?.(message)
}

function open(spec: HubClientSpec): Member {
  const client = new MegaWsClient<{ [SAID_TYPE]: SayPayload }>({ urls: spec.urls, WebSocket })
  const member: Member = { spec, client, received: new Set() }
  client.on(SAID_TYPE, (p) => void member.received.add(`${p.from}:${p.seq}`))
  client.onEvent('closed', (e) => {
    if (e.code === 4503) member.closedAt = performance.now()
  })
  client.onEvent('open', (e) => {
    if (!e.reconnected || member.closedAt === undefined) return
    reconnectMs.push(performance.now() - member.closedAt)
    member.closedAt = undefined
  })
  client.onEvent('gap', () => void (gaps += 1))
  return member
}

/** Sends until a bridge acknowledges it (a 4503 mid-request leaves it unknown: send again). */
async function sayAcked(member: Member, payload: SayPayload): Promise<boolean> {
  const deadline = performance.now() + GIVE_UP_MS
  while (performance.now() < deadline) {
    try {
      if (member.client.state !== 'open') await member.client.opened()
      await member.client.request(SAY_TYPE, payload, { timeoutMs: 5000 })
      return true
    } catch {
      await sleep(20)
    }
  }
  return false
}

/** One client's run: a message every 1/rate s (from a random phase), each retried until acked. */
async function speak(member: Member, run: HubRunCommand, acked: SayPayload[]): Promise<number> {
  const period = 1000 / run.ratePerSec
  const end = performance.now() + run.durationSec * 1000
  let next = performance.now() + Math.random() * period
  let seq = 0
  let unsent = 0
  while (next < end) {
    await sleep(Math.max(0, next - performance.now()))
    const payload = { from: member.spec.id, seq: seq++ }
    if (await sayAcked(member, payload)) acked.push(payload)
    else unsent += 1
    next = Math.max(next + period, performance.now())
  }
  return unsent
}

function count(acked: readonly SayPayload[]): { expected: number; delivered: number } {
  const byRoom = new Map<number, Member[]>()
  for (const m of members) byRoom.set(m.spec.room, [...(byRoom.get(m.spec.room) ?? []), m])
  const roomOf = new Map(members.map((m) => [m.spec.id, m.spec.room]))
  let expected = 0
  let delivered = 0
  for (const { from, seq } of acked) {
    for (const receiver of byRoom.get(roomOf.get(from) ?? -1) ?? []) {
      if (receiver.spec.id === from) continue
      expected += 1
      if (receiver.received.has(`${from}:${seq}`)) delivered += 1
    }
  }
  return { expected, delivered }
}

async function runOnce(run: HubRunCommand): Promise<HubRunResult> {
  for (const m of members) m.received.clear()
  reconnectMs.length = 0
  gaps = 0
  const acked: SayPayload[] = []
  const unsent = (await Promise.all(members.map((m) => speak(m, run, acked)))).reduce(
    (a, b) => a + b,
    0,
  )
  const settleEnd = performance.now() + SETTLE_MS
  let counted = count(acked)
  while (counted.delivered < counted.expected && performance.now() < settleEnd) {
    await sleep(100)
    counted = count(acked)
  }
  return {
    type: 'run',
    acked: acked.length,
    unsent,
    reconnectMs: [...reconnectMs],
    gaps,
    ...counted,
  }
}

process.once('disconnect', () => process.exit(0))
process.on('message', (message: HubRunCommand | { type: 'close' }) => {
  if (message.type === 'close') {
    for (const m of members) m.client.close()
    process.exit(0)
  }
  runOnce(message).then(send, (err: unknown) =>
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  )
})

try {
  members.push(...specs.map(open))
  await Promise.all(members.map((m) => m.client.connect()))
  send({ type: 'ready' })
} catch (err) {
  send({
    type: 'error',
    message: `connecting failed: ${err instanceof Error ? err.message : String(err)}`,
  })
}
