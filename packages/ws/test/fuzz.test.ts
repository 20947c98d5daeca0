import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineRoutes } from '@mega/core'
import { defineChannel } from '../src/index.js'
import { connect, serve } from './helpers/ws-harness.js'

// A seeded fuzz run: random and mutated frames against one server. Every frame must get exactly one
// answer (a reply, an error envelope) or be handled without one (a valid message with no id), the
// socket must stay open, nothing may reject unhandled, and the heap must stay bounded.
// CI runs a quick profile; the full run is `MEGA_WS_FUZZ_FRAMES=1000000 pnpm vitest run --project
// @mega/ws test/fuzz.test.ts` (seed: MEGA_WS_FUZZ_SEED).
const FRAMES = Number(process.env.MEGA_WS_FUZZ_FRAMES ?? 20_000)
const SEED = Number(process.env.MEGA_WS_FUZZ_SEED ?? 20261206)
const BATCH = 1000

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const rand = random(SEED)
const int = (n: number) => Math.floor(rand() * n)
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!

const ATOMS = [
  null,
  true,
  false,
  0,
  -1,
  1e308,
  -0,
  'x',
  '',
  '__proto__',
  'constructor',
  '\u0000',
  '\ud800',
  '😀',
  'mega.reply',
  'note.add',
  'a'.repeat(200),
  [],
  {},
  { __proto__: { polluted: 1 } },
]

function value(depth: number): unknown {
  const r = int(10)
  if (depth > 4 || r < 5) return pick(ATOMS)
  if (r < 7) return Array.from({ length: int(4) }, () => value(depth + 1))
  const out: Record<string, unknown> = {}
  for (let i = 0; i < int(4); i++)
    out[JSON.stringify(pick(ATOMS)) ?? 'undefined'] = value(depth + 1)
  return out
}

function validFrame(): Record<string, unknown> {
  const frame: Record<string, unknown> = {
    type: pick(['note.add', 'note.add', 'ping', 'nope', 'mega.reply', '9bad']),
    data: rand() < 0.5 ? { title: pick(['ok', '', 'x'.repeat(300)]), n: int(10) } : value(0),
  }
  if (rand() < 0.7) frame.id = `i${int(1e9)}`
  if (rand() < 0.2) frame.ns = pick(['', 'other', 'x'.repeat(200)])
  if (rand() < 0.05) frame[pick(['extra', 'replyTo', 'error'])] = value(2)
  return frame
}

function mutate(text: string): string {
  const chars = [...text]
  for (let i = 0; i < 1 + int(3); i++) {
    const at = int(chars.length + 1)
    const op = int(3)
    if (op === 0) chars.splice(at, 1)
    else if (op === 1) chars.splice(at, 0, String.fromCharCode(int(128)))
    else chars[at] = pick(['{', '}', '"', ',', ':', '[', ']', '\\'])
  }
  return chars.join('')
}

function frame(): string | Buffer {
  const r = int(20)
  if (r === 0) return Buffer.from(Array.from({ length: int(64) }, () => int(256)))
  if (r < 4) return Array.from({ length: int(80) }, () => String.fromCharCode(int(0x2fff))).join('')
  if (r < 6) return JSON.stringify(value(0))
  if (r < 12) return mutate(JSON.stringify(validFrame()))
  return JSON.stringify(validFrame())
}

let unhandled = 0
const onUnhandled = () => void unhandled++
beforeAll(() => void process.on('unhandledRejection', onUnhandled))
afterAll(() => void process.off('unhandledRejection', onUnhandled))

describe(`fuzz: ${FRAMES} seeded frames (seed ${SEED})`, () => {
  it(
    'answers every frame or handles it, never closes, never rejects unhandled, keeps memory bounded',
    { timeout: Math.max(120_000, FRAMES * 3) },
    async () => {
      let handledWithoutId = 0
      const Channel = defineChannel({
        messages: {
          'note.add': z.object({ title: z.string().min(1).max(100), n: z.number().int() }),
          ping: z.unknown(),
        },
        handlers: {
          'note.add': (payload, ctx) => {
            if (ctx.message.id === undefined) handledWithoutId++
            return payload.n
          },
          ping: (_p, ctx) => {
            // a failure is answered with an error envelope, id or not
            if (rand() < 0.01) throw new Error('random failure')
            if (ctx.message.id === undefined) handledWithoutId++
            return 'pong'
          },
        },
      })
      const { wsUrl } = await serve(
        { routes: defineRoutes((r) => r.ws('/fuzz', Channel)) },
        { exposeErrors: false },
      )
      const client = await connect(`${wsUrl}/fuzz`)
      // count answers here instead of queueing them in the harness (a million kept messages)
      client.socket.removeAllListeners('message')
      let answers = 0
      let invalidAnswered = 0
      client.socket.on('message', (data) => {
        answers++
        const m = JSON.parse((data as Buffer).toString('utf8')) as {
          type: string
          error?: { code: string }
        }
        if (m.type === 'mega.error') invalidAnswered++
      })
      const heapBefore = process.memoryUsage().heapUsed
      for (let sent = 0; sent < FRAMES;) {
        const n = Math.min(BATCH, FRAMES - sent)
        for (let i = 0; i < n; i++) client.socket.send(frame())
        sent += n
        // flow control: wait until the server answered (or handled) everything sent so far
        const deadline = Date.now() + 30_000
        while (answers + handledWithoutId < sent && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 2))
        expect(answers + handledWithoutId).toBe(sent)
      }
      const heapAfter = process.memoryUsage().heapUsed
      console.log(
        `fuzz: ${FRAMES} frames, ${invalidAnswered} error envelopes, heap ${(heapBefore / 2 ** 20).toFixed(1)} MiB → ${(heapAfter / 2 ** 20).toFixed(1)} MiB`,
      )
      expect(client.socket.readyState).toBe(client.socket.OPEN)
      expect(unhandled).toBe(0)
      expect(invalidAnswered).toBeGreaterThan(FRAMES / 4)
      // bounded: nothing kept per frame (a leak of even 1 KiB per frame would show at 20k frames)
      expect(heapAfter - heapBefore).toBeLessThan(64 * 2 ** 20)
    },
  )
})
