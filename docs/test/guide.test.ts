// Runs the guide (docs/guide/NN-*.md, in order) on one app, as a reader would build it: `mega new`,
// then each chapter's files, `mega` commands and `curl` requests, each answer checked against the JSON
// block printed under it. A chapter whose code no longer works fails here, not in a reader's hands.
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import { run as mega } from '@mega/cli'
import { createTestApp, type TestApp } from '@mega/core/testing'
import { run } from '@mega/test-utils'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import {
  type GuideBlock,
  parseBlocks,
  parseCurl,
  parseWscat,
  shellLines,
  shellWords,
} from './guide-runner.js'

const guide = join(import.meta.dirname, '..', 'guide')
const work = join(import.meta.dirname, '..', '.tmp', `guide-${process.pid}`)
const chapters = (await readdir(guide)).filter((f) => /^\d\d-.+\.md$/.test(f)).sort()

/** Lines a reader types that the test does itself (creating the app) or cannot (a dev server). */
const DONE_BY_THE_TEST = /^(cd |pnpm install|pnpm create-app |npm install|npm run dev|npm start)/

let app = ''
let stage = 0
let booted: TestApp | undefined
/** Whether this folder's files were imported by a boot (then a change needs a fresh folder). */
let loaded = false

/** Moves the app to a fresh folder (so changed files are imported anew) and points its database there. */
async function nextStage(): Promise<void> {
  booted = undefined // closed when the current chapter's test ends
  loaded = false
  const next = join(work, `stage-${++stage}`, 'my-app')
  if (app !== '') await cp(app, next, { recursive: true })
  app = next
  await enter()
}

/** Works in the app's folder, as a reader does after `cd my-app` (relative paths in its config). */
async function enter(): Promise<void> {
  await mkdir(join(app, 'data'), { recursive: true })
  process.env['DATABASE_FILE'] = join(app, 'data', 'app.sqlite')
  process.chdir(app)
}

async function cli(args: readonly string[], where: string): Promise<string> {
  let output = ''
  const io = {
    stdout: (text: string) => void (output += text),
    stderr: (text: string) => void (output += text),
    cwd: app,
    env: process.env,
    isTTY: false,
  }
  const code = await mega(args, io)
  if (code !== 0) throw new Error(`${where}: "mega ${args.join(' ')}" exited ${code}:\n${output}`)
  return output
}

function boot(): Promise<TestApp> {
  loaded = true
  return createTestApp({ root: app })
}

async function request(line: string, expected: GuideBlock | undefined, where: string) {
  booted ??= await boot()
  const req = parseCurl(line)
  const inject = {
    method: req.method as 'GET',
    url: req.url,
    headers: req.headers,
    ...(req.payload === undefined ? {} : { payload: req.payload }),
  }
  const res = await booted.inject(inject)
  if (expected === undefined) {
    expect(res.statusCode, `${where}: ${line}: ${res.body}`).toBeLessThan(400)
    return
  }
  if (expected.lang === 'text') {
    // A page: each line shown must be in it.
    for (const shown of expected.body.split('\n').filter((l) => l.trim() !== ''))
      expect(res.body, `${where}: ${line}`).toContain(shown.trim())
    return
  }
  const shown = JSON.parse(expected.body) as object
  const check = (r: typeof res) => {
    const body: unknown = r.headers['content-type']?.toString().includes('json') ? r.json() : r.body
    expect(body, `${where}: ${line}`).toMatchObject(shown)
  }
  if (!expected.flags.has('eventually')) return check(res)
  // `json eventually`: what happens after the answer (a job): asked again until it shows, for 5 s.
  await vi.waitFor(async () => check(await booted!.inject(inject)), {
    timeout: 5000,
    interval: 100,
  })
}

/**
 * `npx wscat -c ws://…/path [-s protocol] -x '<message>'`: connects to the booted app, sends the
 * message and takes the first frame answering it (by `replyTo` when the message has an `id`).
 */
async function wscat(line: string, expected: GuideBlock | undefined, where: string) {
  booted ??= await boot()
  const cmd = parseWscat(line)
  const base = (await booted.url()).replace(/^http/, 'ws')
  const socket = new WebSocket(base + cmd.path, cmd.protocols)
  try {
    const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${where}: no answer to ${line}`)), 10_000)
      socket.on('error', reject)
      socket.on('open', () => socket.send(cmd.message))
      const sent = JSON.parse(cmd.message) as { id?: string }
      socket.on('message', (raw: Buffer) => {
        const frame = JSON.parse(raw.toString('utf8')) as Record<string, unknown>
        if (sent.id !== undefined && frame['replyTo'] !== sent.id) return
        clearTimeout(timer)
        resolve(frame)
      })
    })
    if (expected !== undefined)
      expect(answer, `${where}: ${line}`).toMatchObject(JSON.parse(expected.body) as object)
  } finally {
    socket.close()
  }
}

async function runChapter(name: string): Promise<void> {
  const blocks = parseBlocks(await readFile(join(guide, name), 'utf8'))
  for (const [i, block] of blocks.entries()) {
    const where = `${name}:${block.line}`
    const file = block.meta['file']
    if (file !== undefined) {
      if (loaded) await nextStage()
      await mkdir(dirname(join(app, file)), { recursive: true })
      await writeFile(join(app, file), block.body)
    } else if (block.lang === 'sh') {
      const next = blocks[i + 1]
      const lines = shellLines(block.body)
      const lastCurl = lines.findLastIndex((line) => line.startsWith('curl '))
      for (const [n, line] of lines.entries()) {
        const words = shellWords(line) // what the shell would pass: quotes removed
        if (words[0] === 'curl') {
          // The JSON block under an sh block shows the answer to its last request.
          const shown =
            (next?.lang === 'json' || next?.lang === 'text') && next.meta['file'] === undefined
              ? next
              : undefined
          await request(line, n === lastCurl ? shown : undefined, where)
        } else if (words[0] === 'npx' && words[1] === 'wscat') {
          const shown = next?.lang === 'json' && next.meta['file'] === undefined ? next : undefined
          await wscat(line, shown, where)
        } else if (words[0] === 'mega' || (words[0] === 'npx' && words[1] === 'mega')) {
          if (loaded) await nextStage()
          loaded = true // the CLI imports the config and the models too
          await cli(words.slice(words[0] === 'npx' ? 2 : 1), where)
        } else if (!DONE_BY_THE_TEST.test(line))
          throw new Error(`${where}: the guide test does not know how to run "${line}"`)
      }
    }
  }
  booted = undefined
}

beforeAll(async () => {
  await mkdir(work, { recursive: true })
  const first = join(work, 'stage-0')
  await mkdir(first)
  app = first // `mega new` runs from here
  await cli(['new', 'my-app', '--skip-install'], 'setup')
  app = join(first, 'my-app')
  await enter()
})

const startedIn = process.cwd()
afterAll(async () => {
  process.chdir(startedIn)
  await rm(work, { recursive: true, force: true })
})

describe('the guide', () => {
  it('has chapters', () => {
    expect(chapters.length).toBeGreaterThan(0)
  })

  for (const chapter of chapters) it(chapter, () => runChapter(chapter))

  it('leaves an app that type-checks (every file the guide shows, with the real types)', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    await run(process.execPath, [tsc, '-p', join(app, 'tsconfig.json')], { cwd: app })
  })
})
