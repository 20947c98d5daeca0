// `mega start` with `server.workers: 2`, as production runs it: real processes on a real port. The
// app lives in a temporary folder inside this package, so `@mega/core` resolves through
// packages/cli/node_modules like an installed app's would.
import { existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { describe, expect, it, vi } from 'vitest'
import { disposeAfterTest, freePort, uniqueName } from '@mega/test-utils'
import { restartCommand } from '../src/commands/restart-command.js'
import { readPid } from '../src/commands/start-command.js'
import { parseArgs } from '../src/internal/parse-args.js'
import { memoryIo } from './helpers/memory-io.js'
import { spawnMega } from './helpers/mega-process.js'

const here = new URL('.', import.meta.url).pathname

async function clusterApp(): Promise<string> {
  const root = join(here, '.tmp', uniqueName('cluster'))
  disposeAfterTest(() => rm(root, { recursive: true, force: true }))
  await mkdir(join(root, 'apps/main/routes'), { recursive: true })
  await writeFile(join(root, 'package.json'), '{ "name": "cluster-app", "type": "module" }\n')
  await writeFile(
    join(root, 'mega.config.ts'),
    `import { defineConfig } from '@mega/core'
export default defineConfig({
  name: 'cluster-app',
  server: { host: '127.0.0.1', port: Number(process.env.PORT), workers: 2 },
  metrics: { enabled: true },
})
`,
  )
  await writeFile(
    join(root, 'apps/main/routes/home.ts'),
    `import { defineRoutes } from '@mega/core'
export default defineRoutes((r) => {
  // a little work, so requests overlap a worker's exit
  r.get('/', () => new Promise((resolve) => setTimeout(() => resolve({ pid: process.pid }), 2)))
})
`,
  )
  return root
}

interface Started {
  readonly url: string
  readonly primaryPid: number
  output(): string
  /** Resolves once `text` has appeared `times` times in the output. */
  waitFor(text: string, times?: number): Promise<void>
  stop(): Promise<number | null>
}

async function startCluster(root: string): Promise<Started> {
  const port = await freePort()
  const { child, exited } = spawnMega('start', root, port)
  let output = ''
  // Per-request log lines are dropped: under load they would make the output megabytes long.
  let partial = ''
  const keep = (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) if (!line.includes('"reqId"')) output += `${line}\n`
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const waitFor = (text: string, times = 1) =>
    vi.waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`mega start exited:\n${output}`)
        expect(output.split(text).length - 1, output).toBeGreaterThanOrEqual(times)
      },
      { timeout: 30_000, interval: 50 },
    )
  await waitFor('"mega started"', 2)
  const primaryPid = readPid(join(root, '.mega/server.pid'))!
  return {
    url: `http://127.0.0.1:${port}`,
    primaryPid,
    output: () => output,
    waitFor,
    stop: () => {
      process.kill(child.pid!, 'SIGTERM')
      return exited
    },
  }
}

/** Sends requests on new connections, `parallel` at a time, until both workers answered. */
async function pidsServing(url: string): Promise<Set<number>> {
  const pids = new Set<number>()
  for (let round = 0; round < 20 && pids.size < 2; round += 1) {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(url, { headers: { connection: 'close' } }).then(
          (r) => r.json() as Promise<{ data: { pid: number } }>,
        ),
      ),
    )
    for (const answer of answers) pids.add(answer.data.pid)
  }
  return pids
}

/** `mega_http_requests_total` of `GET /` in the merged scrape, summed per `worker` label. */
function servedByWorker(metrics: string): Map<string, number> {
  const served = new Map<string, number>()
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('mega_http_requests_total{') || !line.includes('route="/"')) continue
    const worker = /worker="([^"]+)"/.exec(line)?.[1] ?? '?'
    served.set(worker, (served.get(worker) ?? 0) + Number(line.split(' ').at(-1)))
  }
  return served
}

/** Runs autocannon on keep-alive connections for as long as `during` takes (plus half a second). */
async function underLoad(url: string, during: () => Promise<void>) {
  let instance: autocannon.Instance | undefined
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ url: `${url}/`, connections: 16, duration: 120 }, (error, result) =>
      error ? reject(error as Error) : resolve(result),
    )
  })
  await new Promise((resolve) => setTimeout(resolve, 500))
  await during()
  await new Promise((resolve) => setTimeout(resolve, 500))
  instance?.stop()
  const result = await finished
  return {
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    ok: result['2xx'],
  }
}

describe('mega start with server.workers: 2', () => {
  it('serves from two workers, merges their metrics, rolls them under load without a failed request, survives a SIGKILL', async () => {
    const root = await clusterApp()
    const app = await startCluster(root)
    expect(app.output().includes('"worker":1')).toBe(true) // every line names its worker
    expect(app.output().includes('"worker":2')).toBe(true)
    expect(app.output().includes('"worker":"primary"')).toBe(true)

    const pids = await pidsServing(`${app.url}/`)
    expect(pids.size).toBe(2)
    expect(pids.has(app.primaryPid)).toBe(false)

    const metrics = await (await fetch(`${app.url}/metrics`)).text()
    const served = servedByWorker(metrics)
    expect([...served.keys()].sort()).toEqual(['1', '2'])
    expect([...served.values()].every((n) => n > 0)).toBe(true)
    expect(metrics).toContain('mega_cluster_workers{state="reported"} 2')

    const ready = await fetch(`${app.url}/health/ready`)
    expect(ready.status).toBe(200)
    const health = (await ready.json()) as { data: { workers: Record<string, { status: string }> } }
    expect(Object.keys(health.data.workers).sort()).toEqual(['1', '2'])

    // Load on keep-alive connections while `mega restart` (SIGHUP to the primary) replaces both.
    const result = await underLoad(app.url, async () => {
      expect(await restartCommand(parseArgs('restart', []), memoryIo(root).io)).toBe(0)
      await app.waitFor('rolling restart done')
    })
    const done = app
      .output()
      .split('\n')
      .find((line) => line.includes('rolling restart done'))!
    const results = JSON.parse(
      (JSON.parse(done) as { msg: string }).msg.replace(/^.*rolling restart done: /, ''),
    ) as { status: string }[]
    expect(results.map((r) => r.status)).toEqual(['replaced', 'replaced'])
    expect(result).toMatchObject({ errors: 0, timeouts: 0, non2xx: 0 })
    expect(result.ok).toBeGreaterThan(100)

    const after = await pidsServing(`${app.url}/`)
    expect([...after].filter((pid) => pids.has(pid))).toEqual([])

    // A request sent right after a worker is SIGKILLed waits for a live one: none hangs or fails.
    const [victim] = after
    process.kill(victim!, 'SIGKILL')
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${app.url}/`, {
          headers: { connection: 'close' },
          signal: AbortSignal.timeout(3000),
        }).then((r) => r.status),
      ),
    )
    expect(answers.filter((status) => status !== 200)).toEqual([])
    expect(await app.stop()).toBe(0)
    expect(existsSync(join(root, '.mega/server.pid'))).toBe(false)
    await expect(restartCommand(parseArgs('restart', []), memoryIo(root).io)).rejects.toThrow(
      /MEGA_CLI_NOT_RUNNING|no pid/,
    )
  }, 60_000)
})
