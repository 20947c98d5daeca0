import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { boot, type BootOptions, type MegaRuntime } from '@mega/core'
import { tempDir } from '@mega/test-utils'
import { describe, expect, it } from 'vitest'
import { run } from '../src/cli.js'
import { runScript } from '../src/commands/run-command.js'
import { dbProject } from './helpers/db-project.js'

/** A SQLite project, and a boot that records each runtime and whether it was closed. */
async function project() {
  const dir = await tempDir('mega-run-')
  const root = await dbProject({ db: { driver: 'sqlite', filename: join(dir, 'run.sqlite') } })
  const runtimes: { runtime: MegaRuntime; closed: boolean }[] = []
  const recordingBoot = async (options: BootOptions) => {
    const runtime = await boot(options)
    const entry = { runtime, closed: false }
    runtimes.push(entry)
    const close = runtime.close.bind(runtime)
    Object.assign(runtime, { close: async () => ((entry.closed = true), close()) })
    return runtime
  }
  const script = async (name: string, body: string) => {
    await writeFile(join(root, name), body)
    return name
  }
  return { root, runtimes, boot: recordingBoot, script }
}

const io = (cwd: string) => {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: {
      cwd,
      env: {},
      isTTY: false,
      stdout: (s: string) => void out.push(s),
      stderr: (s: string) => void err.push(s),
    },
  }
}

describe('mega run', () => {
  it('boots the app, gives the script ctx and the arguments, returns its result, closes the app', async () => {
    const p = await project()
    const file = await p.script(
      'seed.mjs',
      `export default async (ctx, [count]) => {
        const db = ctx.db().kysely()
        await db.schema.createTable('notes').ifNotExists().addColumn('text', 'text').execute()
        for (let i = 0; i < Number(count); i++) await db.insertInto('notes').values({ text: 'n' + i }).execute()
        return (await db.selectFrom('notes').selectAll().execute()).length
      }\n`,
    )
    expect(await runScript({ root: p.root, file, args: ['3'] }, { boot: p.boot })).toBe(3)
    expect(await runScript({ root: p.root, file, args: ['2'] }, { boot: p.boot })).toBe(5) // kept
    expect(p.runtimes.map((r) => r.closed)).toEqual([true, true])
  })

  it('closes the app when the script throws, and the error reaches the caller', async () => {
    const p = await project()
    const file = await p.script(
      'fail.mjs',
      `export default async (ctx) => { await ctx.db().kysely().selectFrom('nowhere').selectAll().execute() }\n`,
    )
    await expect(runScript({ root: p.root, file }, { boot: p.boot })).rejects.toThrow(/nowhere/)
    expect(p.runtimes.map((r) => r.closed)).toEqual([true])
  })

  it('refuses a missing file or one without a default function, before booting anything', async () => {
    const p = await project()
    await expect(
      runScript({ root: p.root, file: 'nope.mjs' }, { boot: p.boot }),
    ).rejects.toMatchObject({
      code: 'MEGA_CLI_INVALID_ARGUMENT',
      message: expect.stringContaining('nope.mjs does not exist'),
    })
    const file = await p.script('named.mjs', 'export const seed = () => 1\n')
    await expect(runScript({ root: p.root, file }, { boot: p.boot })).rejects.toMatchObject({
      code: 'MEGA_CLI_INVALID_ARGUMENT',
      message: expect.stringContaining('defineScript'),
    })
    expect(p.runtimes).toEqual([])
  })

  it('as a command: prints what the script returns, passes what follows --, exits 1 on failure', async () => {
    const p = await project()
    await p.script('hello.mjs', 'export default (ctx, args) => ({ app: ctx.app.name, args })\n')
    const ok = io(p.root)
    expect(await run(['run', 'hello.mjs', '--', 'a', '--b'], ok.io)).toBe(0)
    expect(ok.out.join('')).toBe("{ app: 'main', args: [ 'a', '--b' ] }\n")
    const missing = io(p.root)
    expect(await run(['run'], missing.io)).toBe(2)
    const bad = io(p.root)
    expect(await run(['run', 'nope.mjs'], bad.io)).toBe(2)
    expect(bad.err.join('')).toContain('MEGA_CLI_INVALID_ARGUMENT')
  })

  it('runs a TypeScript script', async () => {
    const p = await project()
    const file = await p.script(
      'tables.ts',
      `interface Ctx { db(): { kysely(): any } }\n` +
        `export default async (ctx: Ctx): Promise<string[]> => {\n` +
        `  await ctx.db().kysely().schema.createTable('typed').addColumn('id', 'integer').execute()\n` +
        `  return (await ctx.db().kysely().introspection.getTables()).map((t: { name: string }) => t.name)\n` +
        `}\n`,
    )
    expect(await runScript({ root: p.root, file }, { boot: p.boot })).toEqual(['typed'])
  })
})
