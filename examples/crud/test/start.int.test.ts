import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run, startServer, tempDir, userShellEnv } from '@mega/test-utils'
import { root } from './helpers/crud-app.js'

// What `pnpm start` runs (`mega migrate up && mega start`), step by step so the server process can
// be stopped by its own pid, on a fresh SQLite file in a temporary folder and port 0.
describe('pnpm start', () => {
  it(
    'applies the migrations, boots through the CLI and answers over HTTP',
    { timeout: 60_000 },
    async () => {
      const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>
      }
      expect(pkg.scripts.start).toBe('mega migrate up && mega start')
      const dir = await tempDir()
      const env = userShellEnv({
        DATABASE_FILE: join(dir, 'data', 'app.sqlite'),
        PORT: '0',
        LOG_LEVEL: 'info',
      })
      delete env.DATABASE_URL
      const mega = join(root, 'node_modules', '.bin', 'mega')
      const migrated = await run(mega, ['migrate', 'up'], { cwd: root, env })
      expect(migrated).toContain('applied  20261121235504-partition-logs')
      const server = await startServer(mega, ['start'], { cwd: root, env })
      try {
        const home = await fetch(`${server.url}/`)
        expect(await home.json()).toMatchObject({ ok: true, data: { hello: 'mega crud example' } })
        const registered = await fetch(`${server.url}/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            email: 'cli@example.test',
            password: 'correct horse battery',
            name: 'Cli',
          }),
        })
        expect(registered.status).toBe(201)
      } finally {
        expect(await server.stop()).toBe(0)
      }
    },
  )
})
