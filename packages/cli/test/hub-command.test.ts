import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '@mega/test-utils'
import { run } from '../src/cli.js'
import { hubArgv } from '../src/commands/worker-command.js'
import { parseArgs } from '../src/internal/parse-args.js'
import { memoryIo } from './helpers/memory-io.js'

// A stand-in @mega/ws-hub in the project's node_modules: it records what `mega hub` passed.
async function projectWithHub(exitCode: number): Promise<string> {
  const root = await tempDir()
  const dir = join(root, 'node_modules', '@mega', 'ws-hub')
  await mkdir(dir, { recursive: true })
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: '@mega/ws-hub', type: 'module', exports: './index.js' }),
  )
  await writeFile(
    join(dir, 'index.js'),
    `export async function runWsHubCli(options) {
      globalThis.__megaHubCall = options
      options.stderr.write('hub says hello\\n')
      return ${exitCode}
    }\n`,
  )
  return root
}

describe('mega hub', () => {
  it('forwards its flags to runWsHubCli, every --token kept, and returns the hub exit code', async () => {
    const root = await projectWithHub(2)
    const m = memoryIo(root, { MEGA_HUB_PORT: '9000' })
    const code = await run(
      ['hub', '--port', '0', '--token', 'a-token', '--token', 'b-token', '--heartbeat-ms', '500'],
      m.io,
    )
    expect(code).toBe(2)
    const call = (globalThis as { __megaHubCall?: Record<string, unknown> }).__megaHubCall
    expect(call).toMatchObject({
      root,
      argv: ['--token', 'a-token', '--token', 'b-token', '--port', '0', '--heartbeat-ms', '500'],
      env: { MEGA_HUB_PORT: '9000' },
    })
    expect(m.stderr).toBe('hub says hello\n')
  })

  it('passes no flag it was not given (the hub then reads MEGA_HUB_*)', () => {
    expect(hubArgv(parseArgs('hub', []).options)).toEqual([])
    expect(
      hubArgv(
        parseArgs('hub', ['--admin-token=s3cret', '--log-level', 'warn', '--path', '/x']).options,
      ),
    ).toEqual(['--admin-token', 's3cret', '--path', '/x', '--log-level', 'warn'])
  })

  it('refuses an unknown flag with the usage code', async () => {
    const m = memoryIo(await tempDir())
    expect(await run(['hub', '--tokens', 'x'], m.io)).toBe(2)
    expect(m.stderr).toContain('unknown option "--tokens"')
  })
})
