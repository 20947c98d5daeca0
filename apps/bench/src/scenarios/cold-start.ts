// Process start to first successful response, for 1 and 100 routes.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { defineScenario, type BenchCase, type Contender } from '../harness/scenario.js'
import { median } from '../harness/stats.js'

/** Spawns per round and contender; the round's sample is their median. */
const SPAWNS_PER_ROUND = 3
const ROUTE_COUNTS = [1, 100] as const
const ENTRIES = [
  { name: 'fastify', entry: 'servers/cold-fastify.js' },
  { name: 'mega', entry: 'servers/cold-mega.js' },
] as const
const DEADLINE_MS = 15_000

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url)
    await res.arrayBuffer()
    return res.ok
  } catch {
    return false
  }
}

/**
 * Milliseconds from spawning `node entry` to the first successful `GET /` (polled every ~1 ms, so
 * the resolution is about 1–2 ms).
 */
export async function timeToFirstResponse(entry: string, routes: number): Promise<number> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  const started = process.hrtime.bigint()
  const child = spawn(
    process.execPath,
    [entry, '--routes', String(routes), '--port', String(port)],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    for (;;) {
      if (await answers(url)) return Number(process.hrtime.bigint() - started) / 1e6
      if (child.exitCode !== null)
        throw new Error(`${entry} exited with ${child.exitCode} before answering`)
      if (Number(process.hrtime.bigint() - started) / 1e6 > DEADLINE_MS)
        throw new Error(`${entry} did not answer within ${DEADLINE_MS} ms`)
      await delay(1)
    }
  } finally {
    child.kill('SIGKILL')
    await exited
  }
}

function coldCase(distDir: string, routes: number): BenchCase {
  const contenders: Contender[] = ENTRIES.map(({ name, entry }) => ({
    name,
    run: async () => {
      const samples: number[] = []
      for (let i = 0; i < SPAWNS_PER_ROUND; i++)
        samples.push(await timeToFirstResponse(join(distDir, entry), routes))
      return median(samples)
    },
  }))
  return {
    name: `${routes} route${routes === 1 ? '' : 's'}`,
    unit: 'ms',
    reference: 'fastify',
    contenders,
    goals:
      routes === 100
        ? [
            { contender: 'mega', measure: 'value', atMost: 150 },
            { contender: 'mega', measure: 'ratio', atMost: 1.3 },
          ]
        : [],
    notes: [
      `\`node dist/${ENTRIES[0].entry}\` and \`node dist/${ENTRIES[1].entry}\` spawned from the harness; process.hrtime from spawn until a fetch of \`GET /\` succeeds (polled every ~1 ms). Each sample is the median of ${SPAWNS_PER_ROUND} spawns.`,
      ...(routes > 1
        ? [
            `\`GET /\` plus ${routes - 1} routes alternating \`GET /itemsN/:id\` (params schema) and \`POST /itemsN\` (the http-json body schema); fastify with JSON Schema, mega with zod.`,
          ]
        : []),
    ],
  }
}

export default defineScenario({
  name: 'cold-start',
  title: 'process start to first successful response, Mega vs bare Fastify',
  setup: async () => ({}),
  contenders: (_state, ctx) => ROUTE_COUNTS.map((n) => coldCase(ctx.distDir, n)),
  teardown: async () => undefined,
})
