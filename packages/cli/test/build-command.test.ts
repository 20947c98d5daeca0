// `mega build` on a small project in a temporary folder (no install: each file compiles alone, so
// package imports need not resolve), and the check that keeps a stale build from running.
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { caught, tempDir } from '@mega/test-utils'
import { describe, expect, it } from 'vitest'
import { run } from '../src/cli.js'
import { buildProject } from '../src/commands/build-command.js'
import { startCommand } from '../src/commands/start-command.js'
import { workerCommand } from '../src/commands/worker-command.js'
import { listSources, verifyBuild } from '../src/internal/build-files.js'
import { parseArgs } from '../src/internal/parse-args.js'
import { memoryIo } from './helpers/memory-io.js'

const PROJECT: Readonly<Record<string, string>> = {
  'mega.config.ts': "import { defineConfig } from '@mega/core'\nexport default defineConfig({})\n",
  'vitest.config.ts': 'export default {}\n',
  'apps/main/routes/home.ts':
    "import { greet } from '../../../lib/greet.js'\nimport type { X } from './types.js'\nexport default (x: X): string => greet(x)\n",
  'apps/main/routes/types.ts': 'export type X = string\n',
  'apps/main/routes/home.test.ts': 'export {}\n',
  'apps/main/services/legacy-service.js': 'export default {}\n',
  'apps/main/locales/en.json': '{ "hello": "Hello" }\n',
  'apps/main/views/home.ejs': '<p>hi</p>\n',
  'apps/main/tools.mts': 'export const t: number = 1\n',
  'lib/greet.ts': 'export const greet = (name: string): string => `hello ${name}`\n',
  'test/app.test.ts': 'export {}\n',
  '.mega/journal/snapshot.json': '{}\n',
  'types.d.ts': 'export {}\n',
}

async function project(files: Readonly<Record<string, string>> = PROJECT): Promise<string> {
  const root = await tempDir('mega-build-')
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), text)
  }
  return root
}

describe('mega build', () => {
  it('compiles the TypeScript in the convention layout and copies .js and .json beside it', async () => {
    const root = await project()
    const m = memoryIo(root)
    expect(await run(['build'], m.io)).toBe(0)
    expect(m.stdout).toContain('Built dist: compiled 5 files, copied 2')
    const dist = join(root, 'dist')
    const home = await readFile(join(dist, 'apps/main/routes/home.js'), 'utf8')
    expect(home).toContain('import { greet } from "../../../lib/greet.js"')
    expect(home).not.toContain('types.js') // a type-only import is gone, as under tsx
    expect(home).toMatch(/sourceMappingURL=home\.js\.map/)
    for (const file of [
      'mega.config.js',
      'lib/greet.js',
      'apps/main/tools.mjs',
      'apps/main/services/legacy-service.js',
      'apps/main/locales/en.json',
    ])
      expect(existsSync(join(dist, file)), file).toBe(true)
    for (const file of [
      'vitest.config.js',
      'apps/main/routes/home.test.js',
      'test/app.test.js',
      'apps/main/views/home.ejs',
      'types.d.js',
      '.mega',
    ])
      expect(existsSync(join(dist, file)), file).toBe(false)
    expect(JSON.parse(await readFile(join(dist, 'package.json'), 'utf8'))).toEqual({
      type: 'module',
    })
    const manifest = await verifyBuild(root)
    expect(Object.keys(manifest.sources).sort()).toEqual([
      'apps/main/locales/en.json',
      'apps/main/routes/home.ts',
      'apps/main/routes/types.ts',
      'apps/main/services/legacy-service.js',
      'apps/main/tools.mts',
      'lib/greet.ts',
      'mega.config.ts',
    ])
  })

  it('lists every problem, leaves the previous build as it was, and refuses a dist/ of its own', async () => {
    const root = await project()
    await buildProject(root)
    await writeFile(join(root, 'lib/greet.ts'), 'export const greet = (: string => 1\n')
    await writeFile(join(root, 'lib/other.ts'), "export { greet } from './greet.ts'\n")
    const err = await caught(buildProject(root))
    expect(err.code).toBe('MEGA_CLI_BUILD_FAILED')
    expect(err.issues).toEqual([
      { path: expect.stringMatching(/^lib\/greet\.ts:1$/), message: expect.any(String) },
    ])
    await writeFile(join(root, 'lib/greet.ts'), 'export const greet = (n: string) => n\n')
    const specifier = await caught(buildProject(root))
    expect(specifier.issues).toEqual([
      { path: 'lib/other.ts', message: expect.stringContaining('"./greet.js"') },
    ])
    expect(await readFile(join(root, 'dist/lib/greet.js'), 'utf8')).toContain('hello')
    expect((await listSources(root)).compile).not.toContain(expect.stringMatching(/^\.dist-/))

    const other = await project({ 'mega.config.ts': 'export default {}\n', 'dist/index.html': '' })
    const m = memoryIo(other)
    expect(await run(['build'], m.io)).toBe(1)
    expect(m.stderr).toMatch(/was not written by "mega build".*MEGA_CLI_BUILD_FAILED/s)
    expect(existsSync(join(other, 'dist/index.html'))).toBe(true)
  })
})

describe('a build against its sources', () => {
  it('is stale when a source changed, was added or was removed since', async () => {
    const root = await project()
    await buildProject(root)
    await writeFile(join(root, 'lib/greet.ts'), 'export const greet = (n: string) => n\n')
    expect(await caught(verifyBuild(root))).toMatchObject({
      code: 'MEGA_CLI_BUILD_STALE',
      message: expect.stringContaining('changed since: lib/greet.ts'),
    })
    await buildProject(root)
    await writeFile(join(root, 'apps/main/routes/about.ts'), 'export default 1\n')
    expect((await caught(verifyBuild(root))).message).toContain(
      'new since: apps/main/routes/about.ts',
    )
    await buildProject(root)
    await rm(join(root, 'apps/main/routes/about.ts'))
    expect((await caught(verifyBuild(root))).message).toMatch(
      /removed since: apps\/main\/routes\/about\.ts.*run "mega build" again, or pass --source/,
    )
  })

  it('runs when it was shipped without its sources, and not when its manifest is unreadable', async () => {
    const root = await project()
    await buildProject(root)
    for (const dir of ['apps', 'lib', 'mega.config.ts'])
      await rm(join(root, dir), { recursive: true })
    expect((await verifyBuild(root)).sources['lib/greet.ts']).toMatch(/^[0-9a-f]{64}$/)
    await writeFile(join(root, 'dist/mega-build.json'), '{')
    expect((await caught(verifyBuild(root))).code).toBe('MEGA_CLI_BUILD_STALE')
  })

  it('makes a project of a root that holds only the build, for the commands that run it', async () => {
    const root = await project({ 'mega.config.ts': "export default { name: 'shipped' }\n" })
    await buildProject(root)
    await rm(join(root, 'mega.config.ts'))
    const migrate = memoryIo(root)
    expect(await run(['migrate', 'status'], migrate.io)).toBe(1)
    // The config was read from dist/: it has no db adapter.
    expect(migrate.stderr).toMatch(/shipped has no "db" adapter.*MEGA_CLI_NO_DATABASE/s)
    const source = memoryIo(root)
    expect(await run(['migrate', 'status', '--source'], source.io)).toBe(1)
    expect(source.stderr).toContain('MEGA_CLI_NOT_A_PROJECT')
  })

  it('keeps mega start from running it: exit 1 naming the changed file', async () => {
    const root = await project()
    await buildProject(root)
    await writeFile(join(root, 'mega.config.ts'), 'export default { name: "edited" }\n')
    const m = memoryIo(root)
    expect(await run(['start'], m.io)).toBe(1)
    expect(m.stderr).toMatch(/changed since: mega\.config\.ts.*MEGA_CLI_BUILD_STALE/s)
  })
})

describe('mega start on a build', () => {
  it('checks the sources once and boots the build it checked', async () => {
    const root = await project({
      'mega.config.ts': "export default { name: 'once', logger: false }\n",
    })
    await buildProject(root)
    const verified: string[] = []
    // Checks, then edits a source: a second check anywhere (startApp's own) would find it stale.
    const verify = async (dir: string) => {
      const manifest = await verifyBuild(dir)
      verified.push(dir)
      await writeFile(join(dir, 'mega.config.ts'), "export default { name: 'edited' }\n")
      return manifest
    }
    const booted: unknown[] = []
    const warned: string[] = []
    const boot = async (options: unknown) => {
      booted.push(options)
      return { log: { warn: (m: string) => void warned.push(m) } } as never
    }
    const before = process.listeners('SIGHUP')
    try {
      const code = await startCommand(parseArgs('start', []), memoryIo(root).io, { boot, verify })
      expect(code).toBe(0)
    } finally {
      for (const l of process.listeners('SIGHUP'))
        if (!before.includes(l)) process.removeListener('SIGHUP', l)
    }
    expect(verified).toEqual([root])
    expect(booted).toEqual([expect.objectContaining({ root, build: 'dist', typescript: false })])
    // Now stale (the config was edited): refused before anything boots.
    const stale = await caught(
      startCommand(parseArgs('start', []), memoryIo(root).io, { boot, verify }),
    )
    expect(stale.code).toBe('MEGA_CLI_BUILD_STALE')
    expect(booted).toHaveLength(1)
  })
})

describe('mega worker', () => {
  it('hands runWorkers the build and a logger that said so, or only the root with --source', async () => {
    const root = await project({
      'mega.config.ts': "export default { name: 'jobs', logger: false }\n",
      'apps/main/jobs/mail-job.ts': 'export default {}\n',
    })
    await buildProject(root)
    const calls: unknown[] = []
    const runner = async (options: unknown) => void calls.push(options)
    const io = memoryIo(root).io
    expect(await workerCommand(parseArgs('worker', []), io, runner)).toBe(0)
    expect(await workerCommand(parseArgs('worker', ['--source']), io, runner)).toBe(0)
    expect(calls).toEqual([
      {
        root,
        boot: { build: 'dist', logger: expect.objectContaining({ info: expect.any(Function) }) },
      },
      { root },
    ])
    await writeFile(join(root, 'apps/main/jobs/mail-job.ts'), 'export default { edited: 1 }\n')
    expect((await caught(workerCommand(parseArgs('worker', []), io, runner))).code).toBe(
      'MEGA_CLI_BUILD_STALE',
    )
  })
})
