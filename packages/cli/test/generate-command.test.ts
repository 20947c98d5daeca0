import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir } from '@mega/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { run } from '../src/cli.js'
import { generate } from '../src/commands/generate-command.js'
import { requireExport } from '../src/internal/packages.js'
import { memoryIo } from './helpers/memory-io.js'

async function project(): Promise<string> {
  const root = await tempDir()
  await writeFile(join(root, 'mega.config.ts'), 'export default {}\n')
  return root
}

async function files(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true })).sort()
}

/** A stand-in @mega/jobs in the project's node_modules whose index is `source`. */
async function installFakeJobs(root: string, source: string): Promise<void> {
  const jobs = join(root, 'node_modules/@mega/jobs')
  await mkdir(jobs, { recursive: true })
  await writeFile(
    join(jobs, 'package.json'),
    '{"name":"@mega/jobs","type":"module","main":"index.js"}',
  )
  await writeFile(join(jobs, 'index.js'), source)
}

describe('mega generate', () => {
  it('writes a model and its test', async () => {
    const root = await project()
    const m = memoryIo(root)
    expect(await run(['generate', 'model', 'OrderItem'], m.io)).toBe(0)
    expect(m.stdout).toBe(
      'created apps/main/models/order-item-model.ts\ncreated test/models/order-item-model.test.ts\n',
    )
    const code = await readFile(join(root, 'apps/main/models/order-item-model.ts'), 'utf8')
    expect(code).toContain("export const OrderItem = defineModel('order_items', {")
  })

  it('writes a service, and a route with its controller, each with a test, in another app', async () => {
    const root = await project()
    expect(
      (await generate({ root, kind: 'service', name: 'billing', app: 'admin' })).files,
    ).toEqual(['apps/admin/services/billing-service.ts', 'test/services/billing-service.test.ts'])
    expect((await generate({ root, kind: 'controller', name: 'orders' })).files).toEqual([
      'apps/main/controllers/orders-controller.ts',
      'apps/main/routes/orders.ts',
      'test/routes/orders.test.ts',
    ])
    const service = await readFile(join(root, 'apps/admin/services/billing-service.ts'), 'utf8')
    expect(service).toContain('export default class BillingService extends MegaService')
    expect(service).toContain('billing: BillingService')
  })

  it('refuses to overwrite and writes nothing', async () => {
    const root = await project()
    await generate({ root, kind: 'route', name: 'orders' })
    await writeFile(join(root, 'apps/main/routes/orders.ts'), '// mine\n')
    const before = await files(root)
    const m = memoryIo(root)
    expect(await run(['generate', 'route', 'orders'], m.io)).toBe(1)
    expect(m.stderr).toContain('already exist: nothing was written')
    expect(m.stderr).toContain('MEGA_CLI_FILE_EXISTS')
    expect(await files(root)).toEqual(before)
    expect(await readFile(join(root, 'apps/main/routes/orders.ts'), 'utf8')).toBe('// mine\n')
  })

  it('answers an unknown kind with one clear message, exit 2, and no files', async () => {
    const root = await project()
    const m = memoryIo(root)
    expect(await run(['generate', 'modle', 'user'], m.io)).toBe(2)
    expect(m.stderr).toMatchInlineSnapshot(`
      "error mega generate: unknown kind "modle". Did you mean "model"? Kinds: model, service, route, controller, migration, job, schedule, channel, auth.
      (MEGA_CLI_UNKNOWN_GENERATOR)
      "
    `)
    expect(await files(root)).toEqual(['mega.config.ts'])
  })

  it('says to install @mega/jobs for jobs and schedules and @mega/ws for channels, writing nothing', async () => {
    const root = await project()
    const notInstalled = async () => undefined
    await expect(
      generate({ root, kind: 'channel', name: 'x', importPackage: notInstalled }),
    ).rejects.toMatchObject({
      code: 'MEGA_CLI_PACKAGE_MISSING',
      message: expect.stringContaining('install @mega/ws (pnpm add @mega/ws)'),
    })
    for (const kind of ['job', 'schedule'] as const)
      await expect(
        generate({ root, kind, name: 'x', importPackage: notInstalled }),
      ).rejects.toMatchObject({
        code: 'MEGA_CLI_PACKAGE_MISSING',
        message: expect.stringContaining('install @mega/jobs (pnpm add @mega/jobs)'),
      })
    expect(await files(root)).toEqual(['mega.config.ts'])
  })

  it('writes a job and its test when @mega/jobs is installed, and says how to enqueue and run it', async () => {
    const root = await project()
    await installFakeJobs(root, 'export class MegaJob {}\n')
    const m = memoryIo(root)
    expect(await run(['generate', 'job', 'SendWelcome'], m.io)).toBe(0)
    expect(m.stdout).toContain('created apps/main/jobs/send-welcome-job.ts\n')
    expect(m.stdout).toContain('created test/jobs/send-welcome-job.test.ts\n')
    expect(m.stdout).toContain('await ctx.jobs.enqueue(SendWelcomeJob, { id: 1 })')
    const code = await readFile(join(root, 'apps/main/jobs/send-welcome-job.ts'), 'utf8')
    expect(code).toContain(
      'export default class SendWelcomeJob extends MegaJob<SendWelcomePayload, AppScope> {',
    )
    const test = await readFile(join(root, 'test/jobs/send-welcome-job.test.ts'), 'utf8')
    expect(test).toContain("import SendWelcomeJob from '../../apps/main/jobs/send-welcome-job.js'")
  })

  it('writes a channel and its test when @mega/ws is installed, and prints the route to add', async () => {
    const root = await project()
    // A stand-in @mega/ws in the project's node_modules: the generator only checks defineChannel.
    const ws = join(root, 'node_modules/@mega/ws')
    await mkdir(ws, { recursive: true })
    await writeFile(
      join(ws, 'package.json'),
      '{"name":"@mega/ws","type":"module","main":"index.js"}',
    )
    await writeFile(join(ws, 'index.js'), 'export function defineChannel() {}\n')
    const m = memoryIo(root)
    expect(await run(['generate', 'channel', 'ChatRoom', '--app', 'admin'], m.io)).toBe(0)
    expect(m.stdout).toMatchInlineSnapshot(`
      "created apps/admin/channels/chat-room-channel.ts
      created test/channels/chat-room-channel.test.ts
      add its route to a file in apps/admin/routes/ (and ws() from @mega/ws to plugins in mega.config.ts):
        import { ChatRoomChannel } from '../channels/chat-room-channel.js'
        r.ws('/chat-room', ChatRoomChannel)
      "
    `)
    const code = await readFile(join(root, 'apps/admin/channels/chat-room-channel.ts'), 'utf8')
    expect(code).toContain('export const ChatRoomChannel = defineChannel({')
    expect(code).toContain("'chat-room.say': z.object({ text: z.string().min(1).max(1000) }),")
    const test = await readFile(join(root, 'test/channels/chat-room-channel.test.ts'), 'utf8')
    expect(test).toContain("from '../../apps/admin/channels/chat-room-channel.js'")
  })

  it('writes a schedule and its test when @mega/jobs is installed, and says how mega worker runs it', async () => {
    const root = await project()
    await installFakeJobs(root, 'export function defineSchedule() {}\n')
    const m = memoryIo(root)
    expect(await run(['generate', 'schedule', 'NightlyReport'], m.io)).toBe(0)
    expect(m.stdout).toMatchInlineSnapshot(`
      "created apps/main/schedules/nightly-report-schedule.ts
      created test/schedules/nightly-report-schedule.test.ts
      mega worker runs it once jobs() from @mega/jobs is in plugins and a lock adapter is configured (mega.config.ts):
        adapters: { lock: { driver: 'memory' } } (one process) or { driver: 'redis', url } (@mega/db)
        plugins: [jobs()]
      "
    `)
    const code = await readFile(
      join(root, 'apps/main/schedules/nightly-report-schedule.ts'),
      'utf8',
    )
    expect(code).toContain('export default defineSchedule({')
    expect(code).toContain("'nightly-report ran'")
    const test = await readFile(
      join(root, 'test/schedules/nightly-report-schedule.test.ts'),
      'utf8',
    )
    expect(test).toContain(
      "import NightlyReportSchedule from '../../apps/main/schedules/nightly-report-schedule.js'",
    )
  })

  it('calls @mega/db generateMigration with the models, or says it is not there yet', async () => {
    const root = await project()
    await expect(
      generate({ root, kind: 'migration', name: 'init', importDb: async () => ({}) }),
    ).rejects.toMatchObject({ code: 'MEGA_CLI_NOT_AVAILABLE' })
    const generateMigration = vi.fn(async () => ({ file: 'x.ts' }))
    const result = await generate({
      root,
      kind: 'migration',
      name: 'init',
      allowDestructive: true,
      importDb: async () => ({ generateMigration }),
    })
    expect(result.migration).toEqual({ file: 'x.ts' })
    expect(generateMigration).toHaveBeenCalledWith({
      root,
      app: 'main',
      name: 'init',
      models: [],
      allowDestructive: true,
    })
  })

  it('refuses an invalid name and a folder that is not a project', async () => {
    const root = await project()
    await expect(generate({ root, kind: 'model', name: '../x' })).rejects.toMatchObject({
      code: 'MEGA_CLI_INVALID_ARGUMENT',
    })
    const m = memoryIo(await tempDir())
    expect(await run(['generate', 'model', 'x'], m.io)).toBe(1)
    expect(m.stderr).toContain('MEGA_CLI_NOT_A_PROJECT')
    expect(existsSync(join(root, 'apps'))).toBe(false)
  })
})

describe('requireExport', () => {
  it('asks to install a package that is missing, or a version that has the export', async () => {
    const root = await tempDir()
    await expect(
      requireExport(root, 'some-pkg', 'fn', 'mega x', async () => undefined),
    ).rejects.toMatchObject({
      code: 'MEGA_CLI_PACKAGE_MISSING',
      message: `mega x needs some-pkg, which is not installed in ${root}: install some-pkg (pnpm add some-pkg) and run it again.`,
    })
    await expect(requireExport(root, 'some-pkg', 'fn', 'mega x', async () => ({}))).rejects.toThrow(
      'mega x needs some-pkg with fn(), which the installed version does not provide: install a version of some-pkg that has it.',
    )
    const fn = () => {}
    await expect(
      requireExport(root, 'some-pkg', 'fn', 'mega x', async () => ({ fn })),
    ).resolves.toBe(fn)
  })
})
