import { execFile } from 'node:child_process'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { uniqueName } from '@mega/test-utils'
import { serve } from './helpers/server.js'

const run = promisify(execFile)
const packageDir = new URL('..', import.meta.url).pathname

/** The README's Node example, as written (it is plain JavaScript), aimed at a test server. */
async function nodeExample(wsUrl: string): Promise<string> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
  const block = /In Node, pass `ws`'s class:\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  if (block === undefined) throw new Error('README has no Node example')
  return block.replace('ws://127.0.0.1:3000/boards/12/live', `${wsUrl}/board?u=readme`)
}

describe('the README', () => {
  it('runs its Node example against a real server, on the built package and `ws`', async () => {
    const { wsUrl } = await serve()
    // Inside the package folder: `@mega/ws-client` resolves to this package's dist, `ws` to its devDependency.
    const file = `${packageDir}${uniqueName('readme-example')}.mjs`
    await writeFile(file, await nodeExample(wsUrl))
    try {
      const { stdout } = await run(process.execPath, [file], { timeout: 15_000 })
      expect(stdout.trim()).toBe('{ ok: true }')
    } finally {
      await rm(file, { force: true })
    }
  })
})
