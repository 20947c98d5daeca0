// boot({ build }): the config and the apps' code come from a compiled copy of the project (what
// `mega build` writes), `.js` only, while `.env` is still read from the project root.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createShutdown } from '@mega/observe'
import { tempDir, uniqueName } from '@mega/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { boot, definePlugin, defineRoutes, type MegaRuntime } from '../src/index.js'

const runtimes: MegaRuntime[] = []
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()))
})

const NO_PROCESS = { on: () => undefined, removeListener: () => undefined, exit: () => undefined }

async function writeTree(root: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), text)
  }
}

describe('boot({ build })', () => {
  it('loads the config, services and plugin folders from the build and .env from the root', async () => {
    const root = await tempDir('mega-boot-build-')
    const variable = uniqueName('MEGA_BUILD_NAME').replace(/-/g, '_').toUpperCase()
    await writeTree(root, {
      '.env': `${variable}=built-app\n`,
      'mega.config.ts': "export default { name: 'source-app' }\n",
      'apps/main/services/greeting-service.ts': "export default { from: 'source' }\n",
      'dist/mega.config.js': `export default { name: process.env.${variable}, logger: false }\n`,
      'dist/apps/main/services/greeting-service.js': "export default { from: 'build' }\n",
      'dist/apps/main/services/stray-service.ts': "export default { from: 'typescript' }\n",
      'dist/apps/main/jobs/mail-job.js': "export default { job: 'mail' }\n",
    })
    const found: string[] = []
    const probe = definePlugin({
      name: 'probe',
      async setup(api) {
        for (const app of api.apps)
          for (const m of await app.loadModules('jobs', '-job'))
            found.push(m.file.slice(root.length))
      },
    })
    const routes = defineRoutes((r) => {
      r.get('/from', (ctx) => (ctx.services as Record<string, { from: string }>).greeting?.from)
    })
    try {
      const runtime = await boot({
        root,
        build: 'dist',
        listen: false,
        typescript: true, // a build is .js only, whatever the runtime could load
        plugins: [probe],
        apps: { main: { routes } },
        shutdown: createShutdown({ process: NO_PROCESS }),
      })
      runtimes.push(runtime)
      expect(runtime.config.name).toBe('built-app')
      const app = runtime.server.apps[0]!
      expect(Object.keys(app.scope.services)).toEqual(['greeting'])
      expect(app.dir).toBe(join(root, 'apps/main'))
      expect(app.codeDir).toBe(join(root, 'dist/apps/main'))
      expect(found).toEqual(['/dist/apps/main/jobs/mail-job.js'])
      const res = await runtime.server.fastify.inject({ url: '/from' })
      expect(res.json()).toMatchObject({ ok: true, data: 'build' })
    } finally {
      delete process.env[variable]
    }
  })

  it('refuses an app folder outside the root, which a build cannot hold', async () => {
    const root = await tempDir('mega-boot-build-')
    await writeTree(root, {
      'dist/mega.config.js':
        "export default { logger: false, apps: [{ name: 'main', dir: '../elsewhere' }] }\n",
    })
    await expect(
      boot({
        root,
        build: 'dist',
        listen: false,
        shutdown: createShutdown({ process: NO_PROCESS }),
      }),
    ).rejects.toMatchObject({
      code: 'MEGA_BOOT_FAILED',
      message: expect.stringMatching(/outside the project root/),
    })
  })
})
