import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { transpileForChild } from '@mega/test-utils'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const fixture = join(packageDir, 'test/fixtures/shutdown-child.mjs')

interface Scenario {
  readonly hooks: readonly { readonly name: string; readonly behavior: 'ok' | 'hang' | 'throw' }[]
  readonly gracePeriodMs?: number
  readonly hardKillMs?: number
  readonly trigger?: 'signal' | 'rejection' | 'exception'
}

interface Child {
  readonly process: ChildProcess
  readonly exit: Promise<number | null>
  stdout(): string
  stderr(): string
  waitFor(line: string): Promise<void>
  hooksRun(): string[]
}

let outDir: string
let moduleFile: string
const children: ChildProcess[] = []

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'mega-shutdown-int-'))
  // Bare imports (zod) resolve through the package's own node_modules.
  await symlink(join(packageDir, 'node_modules'), join(outDir, 'node_modules'), 'dir')
  ;[moduleFile] = (await transpileForChild(join(packageDir, 'src'), ['shutdown.ts'], outDir)) as [
    string,
  ]
})

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true })
})

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

function start(scenario: Scenario): Child {
  const child = spawn(process.execPath, [fixture], {
    env: {
      ...process.env,
      MEGA_SHUTDOWN_MODULE: moduleFile,
      MEGA_SHUTDOWN_SCENARIO: JSON.stringify(scenario),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  const lines = () => out.split('\n')
  const waitFor = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!lines().includes(line)) return
        child.stdout.off('data', check)
        resolve()
      }
      child.stdout.on('data', check)
      void exit.then(() =>
        reject(new Error(`child exited before printing "${line}":\n${out}\n${err}`)),
      )
      check()
    })
  const hooksRun = () =>
    lines()
      .filter((l) => l.startsWith('hook:'))
      .map((l) => l.slice(5))
  return { process: child, exit, stdout: () => out, stderr: () => err, waitFor, hooksRun }
}

async function startReady(scenario: Scenario): Promise<Child> {
  const child = start(scenario)
  await child.waitFor('ready')
  return child
}

describe('MegaShutdown in a child process', () => {
  it('runs hooks last-registered first on SIGTERM and exits 0', async () => {
    const child = await startReady({
      hooks: ['db', 'cache', 'http'].map((name) => ({ name, behavior: 'ok' })),
    })
    child.process.kill('SIGTERM')
    expect(await child.exit).toBe(0)
    expect(child.hooksRun()).toEqual(['http', 'cache', 'db'])
  })

  it('cuts a hanging hook at the grace period, runs the next, and exits 1', async () => {
    const child = await startReady({
      hooks: [
        { name: 'db', behavior: 'ok' },
        { name: 'stuck', behavior: 'hang' },
      ],
      gracePeriodMs: 200,
      hardKillMs: 10_000,
    })
    child.process.kill('SIGTERM')
    expect(await child.exit).toBe(1)
    expect(child.hooksRun()).toEqual(['stuck', 'db'])
    expect(child.stderr()).toContain('MEGA_SHUTDOWN_HOOK_TIMEOUT')
  })

  it('exits 124 when shutdown exceeds the hard-kill bound', async () => {
    const child = await startReady({
      hooks: [
        { name: 'never-reached', behavior: 'ok' },
        { name: 'stuck', behavior: 'hang' },
      ],
      gracePeriodMs: 10_000,
      hardKillMs: 300,
    })
    child.process.kill('SIGTERM')
    expect(await child.exit).toBe(124)
    expect(child.hooksRun()).toEqual(['stuck'])
    expect(child.stderr()).toContain('[mega-shutdown] shutdown exceeded 300ms: exiting now')
  })

  it('exits 130 at once on a second signal during shutdown', async () => {
    const child = await startReady({
      hooks: [{ name: 'stuck', behavior: 'hang' }],
      gracePeriodMs: 10_000,
      hardKillMs: 15_000,
    })
    child.process.kill('SIGTERM')
    await child.waitFor('hook:stuck')
    child.process.kill('SIGINT')
    expect(await child.exit).toBe(130)
  })

  it('logs an unhandled rejection, runs the hooks, and exits 1', async () => {
    const child = start({ hooks: [{ name: 'db', behavior: 'ok' }], trigger: 'rejection' })
    expect(await child.exit).toBe(1)
    expect(child.hooksRun()).toEqual(['db'])
    expect(child.stderr()).toContain('[mega-shutdown] unhandled promise rejection: shutting down')
    expect(child.stderr()).toContain('unhandledRejection: boom')
  })

  it('logs an uncaught exception, runs the hooks, and exits 1', async () => {
    const child = start({ hooks: [{ name: 'db', behavior: 'ok' }], trigger: 'exception' })
    expect(await child.exit).toBe(1)
    expect(child.hooksRun()).toEqual(['db'])
    expect(child.stderr()).toContain('[mega-shutdown] uncaught exception: shutting down')
    expect(child.stderr()).toContain('kaboom')
  })
})
