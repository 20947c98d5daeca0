import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { freePort, transpileForChild } from '@mega/test-utils'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const fixture = join(packageDir, 'test/fixtures/cluster-app.mjs')

let outDir: string
let moduleFile: string
const children: ChildProcess[] = []

// The fixture is plain JavaScript: transpile the cluster module into a
// temp folder whose node_modules is the package's, so zod and @mega/observe resolve.
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'mega-cluster-int-'))
  await symlink(join(packageDir, 'node_modules'), join(outDir, 'node_modules'), 'dir')
  ;[moduleFile] = (await transpileForChild(
    join(packageDir, 'src'),
    ['cluster/mega-cluster.ts'],
    outDir,
  )) as [string]
})

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true })
})

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

interface Primary {
  readonly process: ChildProcess
  readonly port: number
  readonly exit: Promise<number | null>
  /** Resolves with the first stdout line starting with `prefix`, after `skip` earlier ones. */
  line(prefix: string, skip?: number): Promise<string>
  listeningPids(): number[]
  output(): string
}

async function startPrimary(workers: number): Promise<Primary> {
  const port = await freePort()
  const child = spawn(process.execPath, [fixture], {
    env: {
      ...process.env,
      MEGA_CLUSTER_MODULE: moduleFile,
      MEGA_CLUSTER_WORKERS: String(workers),
      MEGA_CLUSTER_PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  const lines = (prefix: string) => out.split('\n').filter((l) => l.startsWith(prefix))
  const line = (prefix: string, skip = 0) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines(prefix)[skip]
        if (found === undefined) return
        child.stdout.off('data', check)
        resolve(found)
      }
      child.stdout.on('data', check)
      void exit.then(() => reject(new Error(`primary exited before "${prefix}":\n${out}`)))
      check()
    })
  const listeningPids = () => lines('listening ').map((l) => Number(l.split(' ')[1]))
  const primary = { process: child, port, exit, line, listeningPids, output: () => out }
  await line('listening ', workers - 1)
  return primary
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Fetches in `loops` parallel loops until `stop()`; every outcome is recorded. */
function load(port: number, loops: number) {
  let running = true
  const served: number[] = []
  const failures: string[] = []
  const loop = async () => {
    while (running) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`)
        if (res.status === 200) served.push(Number(await res.text()))
        else failures.push(`status ${res.status}`)
      } catch (error) {
        failures.push(String((error as Error).cause ?? error))
      }
    }
  }
  const done = Promise.all(Array.from({ length: loops }, loop))
  return {
    served,
    failures,
    async stop() {
      running = false
      await done
    },
  }
}

describe('MegaCluster with a real node:cluster primary', () => {
  it('makes every worker exit on SIGTERM and exits 0', async () => {
    const primary = await startPrimary(2)
    const pids = primary.listeningPids()
    expect(pids.every(isAlive)).toBe(true)
    primary.process.kill('SIGTERM')
    expect(await primary.exit).toBe(0)
    expect(pids.filter(isAlive)).toEqual([])
    expect(primary.output()).toContain('[mega-cluster] SIGTERM received: shutting down 2 worker(s)')
  })

  it('replaces every worker under continuous requests without dropping one', async () => {
    const primary = await startPrimary(2)
    const oldPids = primary.listeningPids()
    const traffic = load(primary.port, 4)
    while (traffic.served.length < 20) await new Promise((resolve) => setTimeout(resolve, 10))
    primary.process.kill('SIGUSR2')
    const results = JSON.parse((await primary.line('restart ')).slice(8)) as {
      oldPid: number
      newPid: number
      status: string
    }[]
    const afterRestart = traffic.served.length
    while (traffic.served.length < afterRestart + 40)
      await new Promise((resolve) => setTimeout(resolve, 10))
    await traffic.stop()

    expect(traffic.failures).toEqual([])
    expect(results.map((r) => r.status)).toEqual(['replaced', 'replaced'])
    expect(results.map((r) => r.oldPid).sort()).toEqual([...oldPids].sort())
    const newPids = results.map((r) => r.newPid)
    expect(newPids.filter((pid) => oldPids.includes(pid))).toEqual([])
    expect(oldPids.filter(isAlive)).toEqual([])
    const servedAfter = new Set(traffic.served.slice(afterRestart + 4)) // past requests in flight at the line
    expect([...servedAfter].every((pid) => newPids.includes(pid))).toBe(true)

    primary.process.kill('SIGTERM')
    expect(await primary.exit).toBe(0)
  })
})
