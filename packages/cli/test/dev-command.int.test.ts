// `mega dev` as a developer runs it: a real process on a real port, a file edited under it, then
// SIGTERM or SIGINT. The app lives in a temporary folder inside this package, so `@mega/core`
// resolves through packages/cli/node_modules like an installed app's would.
import { execFileSync } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { disposeAfterTest, freePort, uniqueName } from '@mega/test-utils'

import { devEnv } from '../src/commands/dev-command.js'
import { spawnMega } from './helpers/mega-process.js'

const here = new URL('.', import.meta.url).pathname

const route = (word: string) =>
  `import { defineRoutes } from '@mega/core'\nexport default defineRoutes((r) => {\n  r.get('/', () => ({ word: '${word}' }))\n})\n`

async function devApp(): Promise<string> {
  const root = join(here, '.tmp', uniqueName('dev'))
  disposeAfterTest(() => rm(root, { recursive: true, force: true }))
  await mkdir(join(root, 'apps/main/routes'), { recursive: true })
  await writeFile(join(root, 'package.json'), '{ "name": "dev-app", "type": "module" }\n')
  await writeFile(
    join(root, 'mega.config.ts'),
    `import { defineConfig } from '@mega/core'\nexport default defineConfig({ name: 'dev-app', server: { host: '127.0.0.1', port: Number(process.env.PORT) } })\n`,
  )
  await writeFile(join(root, 'apps/main/routes/home.ts'), route('first'))
  return root
}

const word = async (url: string) =>
  ((await (await fetch(url)).json()) as { data: { word: string } }).data.word

async function refused(url: string): Promise<boolean> {
  return fetch(url).then(
    () => false,
    () => true,
  )
}

interface Dev {
  readonly url: string
  /** Sends `signal` to mega dev alone, or to its whole process group (what Ctrl-C in a terminal does). */
  signal(signal: NodeJS.Signals, group?: boolean): Promise<number | null>
}

/** Starts `mega dev` in a process group of its own and resolves once the app logged its URL. */
async function startDev(root: string, port: number): Promise<Dev> {
  const { child, exited } = spawnMega('dev', root, port)
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('"mega started"')) resolve()
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then((code) => reject(new Error(`mega dev exited ${code}:\n${output}`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    signal: (signal, group = false) => {
      process.kill(group ? -child.pid! : child.pid!, signal)
      return exited
    },
  }
}

/** The processes still running whose command line names `root` (a watcher or an app left behind). */
function leftOver(root: string): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(root))
}

describe('mega dev', () => {
  it('restarts the app when a route changes, and SIGTERM stops the watcher and the app', async () => {
    const root = await devApp()
    const dev = await startDev(root, await freePort())
    expect(await word(dev.url)).toBe('first')
    await writeFile(join(root, 'apps/main/routes/home.ts'), route('second'))
    await vi.waitFor(async () => expect(await word(dev.url).catch(() => '')).toBe('second'), {
      timeout: 20_000,
      interval: 200,
    })
    await dev.signal('SIGTERM')
    expect(await refused(dev.url)).toBe(true)
    await vi.waitFor(() => expect(leftOver(root)).toEqual([]), { timeout: 10_000 })
  }, 60_000)

  it('Ctrl-C (SIGINT to the process group) stops the watcher and the app with exit 0', async () => {
    const root = await devApp()
    const dev = await startDev(root, await freePort())
    expect(await word(dev.url)).toBe('first')
    expect(await dev.signal('SIGINT', true)).toBe(0)
    expect(await refused(dev.url)).toBe(true)
    await vi.waitFor(() => expect(leftOver(root)).toEqual([]), { timeout: 10_000 })
  }, 60_000)
})

describe('devEnv', () => {
  it('asks for pretty log lines on a terminal only, and never over what the user set', () => {
    expect(devEnv({ env: {}, isTTY: true }).MEGA_LOG_PRETTY).toBe('1')
    expect(devEnv({ env: {}, isTTY: false }).MEGA_LOG_PRETTY).toBe(process.env.MEGA_LOG_PRETTY)
    expect(devEnv({ env: { MEGA_LOG_PRETTY: '0' }, isTTY: true }).MEGA_LOG_PRETTY).toBe('0')
    expect(devEnv({ env: {}, isTTY: true }).NODE_ENV).toBe('development')
  })
})
