import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectMegaError, tempDir } from '@mega/test-utils'
import { restartCommand, type SignalSender } from '../src/commands/restart-command.js'
import { parseArgs } from '../src/internal/parse-args.js'
import { memoryIo } from './helpers/memory-io.js'

async function project(pid?: string): Promise<string> {
  const root = await tempDir('mega-restart')
  await writeFile(join(root, 'mega.config.ts'), 'export default {}\n')
  if (pid !== undefined) {
    await mkdir(join(root, '.mega'), { recursive: true })
    await writeFile(join(root, '.mega/server.pid'), pid)
  }
  return root
}

/** A process table holding only `alive`; records the signals sent. */
function signals(alive: number) {
  const sent: [number, string | number | undefined][] = []
  const proc: SignalSender = {
    kill(pid, signal) {
      if (pid !== alive) throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' })
      sent.push([pid, signal])
    },
  }
  return { proc, sent }
}

describe('mega restart', () => {
  it("sends SIGHUP to the primary named in the pid file, after checking it's alive", async () => {
    const root = await project('4242\n')
    const { proc, sent } = signals(4242)
    const out = memoryIo(root)
    expect(await restartCommand(parseArgs('restart', []), out.io, proc)).toBe(0)
    expect(sent).toEqual([
      [4242, 0],
      [4242, 'SIGHUP'],
    ])
    expect(out.stdout).toContain('asked primary 4242')
  })

  it('reads --pid-file relative to the root', async () => {
    const root = await project()
    await writeFile(join(root, 'app.pid'), '77')
    const { proc, sent } = signals(77)
    await restartCommand(parseArgs('restart', ['--pid-file', 'app.pid']), memoryIo(root).io, proc)
    expect(sent.at(-1)).toEqual([77, 'SIGHUP'])
  })

  it('is MEGA_CLI_NOT_RUNNING without a pid file, with junk in it, or with a pid that is gone', async () => {
    const { proc, sent } = signals(1)
    for (const root of [await project(), await project('not a pid'), await project('999999')])
      await expectMegaError(
        restartCommand(parseArgs('restart', []), memoryIo(root).io, proc),
        'MEGA_CLI_NOT_RUNNING',
      )
    expect(sent).toEqual([])
  })
})
