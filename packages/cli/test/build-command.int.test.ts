// Done when: after `mega build`, `mega start` runs with no TypeScript loader and no esbuild process.
// For real: a project from `mega new`, installed from the workspace's packed packages, built, its
// compiled migration applied, then started and asked over HTTP while its process tree is read.
import { existsSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { join } from 'node:path'
import { run, startServer, userShellEnv, type ServerProcess } from '@mega/test-utils'
import { describe, expect, it } from 'vitest'
import { installedApp, must } from './helpers/generated-app.js'
import { commandLine, descendants } from './helpers/process-tree.js'

const SERVER_ENV = userShellEnv({ PORT: '0', HOST: '127.0.0.1' })

/** The pid of the process that logged, from its first JSON log line, and that line. */
function firstLogLine(server: ServerProcess): { readonly pid: number; readonly msg: string } {
  const first = server
    .output()
    .split('\n')
    .find((l) => l.startsWith('{'))
  return JSON.parse(first ?? '{}') as { pid: number; msg: string }
}

describe('mega build', () => {
  it('compiles a new app that mega start then runs with no TypeScript loader and no esbuild process', async () => {
    const app = await installedApp('built-app')
    const node = process.execPath
    const mega = join(app, 'node_modules/@mega/cli/bin/mega.js')

    expect(await must(node, [mega, 'build'], app)).toMatch(/Built dist: compiled \d+ files/)
    expect(existsSync(join(app, 'dist/apps/main/routes/home.js'))).toBe(true)
    expect(existsSync(join(app, 'dist/apps/main/migrations/20250101000000-create-notes.js'))).toBe(
      true,
    )

    // The compiled migration applies; the .ts one, read through the loader, is the same migration.
    expect(await must(node, [mega, 'migrate', 'up'], app)).toMatch(
      /✓ applied {2}20250101000000-create-notes/,
    )
    expect(await must(node, [mega, 'migrate', 'status', '--source'], app)).toMatch(
      /✓ applied {2}20250101000000-create-notes/,
    )

    const server = await startServer(node, [mega, 'start'], { cwd: app, env: SERVER_ENV })
    try {
      const first = firstLogLine(server)
      expect(first.msg).toMatch(/^mega start: running the build in dist\/ .*no TypeScript loader$/)
      expect(await commandLine(first.pid)).toEqual([node, mega, 'start'])
      expect(await descendants(first.pid)).toEqual([]) // no loader child, no esbuild service

      const res = await fetch(`${server.url}/`)
      expect(await res.json()).toMatchObject({ ok: true, data: { hello: 'built-app' } })
      const created = await fetch(`${server.url}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'compiled' }),
      })
      expect(created.status).toBe(201) // the compiled NoteService
    } finally {
      expect(await server.stop()).toBe(0)
    }

    // The check above can fail: the sources run through the loader, which starts esbuild.
    const source = await startServer(node, [mega, 'start', '--source'], {
      cwd: app,
      env: SERVER_ENV,
    })
    try {
      const { pid, msg } = firstLogLine(source)
      expect(msg).toMatch(/running the TypeScript sources/)
      expect((await commandLine(pid)).join(' ')).toMatch(/--import \S*tsx/)
      expect((await descendants(pid)).some((p) => /esbuild/.test(p.cmdline))).toBe(true)
    } finally {
      expect(await source.stop()).toBe(0)
    }

    // A source edited after the build: mega start refuses to run the old code.
    await appendFile(join(app, 'apps/main/routes/home.ts'), '// edited\n')
    const stale = await run(node, [mega, 'start'], { cwd: app, env: SERVER_ENV }).catch(
      (err: Error) => err.message,
    )
    expect(stale).toMatch(/changed since: apps\/main\/routes\/home\.ts.*MEGA_CLI_BUILD_STALE/s)
  }, 300_000)
})
