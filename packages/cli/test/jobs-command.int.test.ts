// `mega jobs dlq` against the shared NATS JetStream server: a job fails into the DLQ, the command
// lists and shows it, redrives it (it runs again and succeeds) and purges another.
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { describe, expect, it } from 'vitest'
import { MegaJob, MegaJobQueue, type JobDlqEvent, type JobDoneEvent } from '@mega/jobs'
import { disposeAfterTest, requireService, uniqueName } from '@mega/test-utils'
import { run } from '../src/cli.js'
import { memoryIo } from './helpers/memory-io.js'

const nats = await requireService('nats')
const url = nats.url ?? 'nats://127.0.0.1:4222'
// Read once by fixtures/jobs-app/mega.config.ts when the command first loads it.
const prefix = uniqueName('cj').toUpperCase()
process.env.MEGA_CLI_TEST_JOBS_PREFIX = prefix
process.env.MEGA_CLI_TEST_NATS_URL = url

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname
const root = fixture('jobs-app')

let failing = true
const ran: number[] = []
class FlakyJob extends MegaJob<{ n: number }> {
  static override subject = 'flaky'
  static override retries = 0
  run(payload: { n: number }): void {
    if (failing) throw new Error(`job ${payload.n} fails on purpose`)
    ran.push(payload.n)
  }
}

/** `mega jobs dlq <args>` in the fixture project. */
async function mega(args: readonly string[], confirm?: (q: string) => Promise<boolean>) {
  const m = memoryIo(root)
  const io = confirm === undefined ? m.io : { ...m.io, confirm }
  const code = await run(['jobs', 'dlq', ...args], io)
  return { code, stdout: m.stdout, stderr: m.stderr }
}

/** A queue on the fixture's prefix consuming FlakyJob; streams deleted after the test. */
async function openQueue() {
  const nc = await connect({ servers: url })
  const queue = new MegaJobQueue({ nc, streamPrefix: prefix, ackWaitMs: 2000 })
  const worker = await queue.process(FlakyJob)
  disposeAfterTest(async () => {
    await worker.stop()
    const jsm = await jetstreamManager(nc)
    for (const name of [prefix, `${prefix}_DLQ`]) await jsm.streams.delete(name).catch(() => false)
    await nc.close()
  })
  const next = <E>(event: 'dlq' | 'done') =>
    new Promise<E>((resolve) => queue.once(event, (e: unknown) => resolve(e as E)))
  return { queue, next }
}

const entries = async () =>
  (JSON.parse((await mega(['list', '--json'])).stdout) as { entries: { seq: number }[] }).entries

describe.runIf(nats.available)('mega jobs dlq (real NATS)', () => {
  it('lists, shows, redrives (the job runs again and succeeds) and purges', async () => {
    const { queue, next } = await openQueue()
    failing = true
    const dead = next<JobDlqEvent>('dlq')
    await queue.enqueue(FlakyJob, { n: 1 })
    const { dlqSeq } = await dead

    const listed = await mega(['list'])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/^SEQ\s+JOB\s+PHASE\s+FAILED AT\s+DELIVERY\s+ERROR$/m)
    expect(listed.stdout).toMatch(
      new RegExp(`^${dlqSeq}\\s+flaky\\s+run\\s+\\S+\\s+1\\s+Error: job 1 fails on purpose$`, 'm'),
    )
    expect(await entries()).toMatchObject([{ seq: dlqSeq, subject: 'flaky', phase: 'run' }])

    const shown = await mega(['show', String(dlqSeq), '--json'])
    expect(JSON.parse(shown.stdout)).toMatchObject({
      seq: dlqSeq,
      envelope: { payload: { n: 1 }, error: { message: 'job 1 fails on purpose' } },
    })
    expect((await mega(['show', String(dlqSeq)])).stdout).toContain('payload    {\n  "n": 1\n}')

    failing = false
    const done = next<JobDoneEvent>('done')
    const redriven = await mega(['redrive', String(dlqSeq)])
    expect(redriven).toMatchObject({ code: 0, stderr: '' })
    expect(redriven.stdout).toMatch(/^Redrove 1 job\.\n\s+✓ DLQ \d+ → flaky \(seq \d+\)\n$/)
    await done
    expect(ran).toEqual([1])
    expect(await entries()).toEqual([])

    failing = true
    const again = next<JobDlqEvent>('dlq')
    await queue.enqueue(FlakyJob, { n: 2 })
    await again
    const refused = await mega(['purge'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('pass --yes')
    const declined = await mega(['purge'], async () => false)
    expect(declined).toMatchObject({ code: 1, stderr: 'Nothing purged.\n' })
    expect(await entries()).toHaveLength(1)
    const asked: string[] = []
    const purged = await mega(['purge'], async (q) => (asked.push(q), true))
    expect(purged).toMatchObject({ code: 0, stdout: 'Purged 1 job.\n' })
    expect(asked).toEqual(['Remove every dead-lettered job for good?'])
    expect(await entries()).toEqual([])
    expect((await mega(['list'])).stdout).toBe('No dead-lettered jobs.\n')
    expect(await mega(['purge', '--yes', '--json'])).toMatchObject({
      code: 0,
      stdout: '{\n  "purged": 0\n}\n',
    })
  })

  it('refuses bad arguments with coded errors, and a missing entry with the DLQ code', async () => {
    await openQueue()
    const missing = await mega(['show', '999999'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('MEGA_JOB_DLQ_ENTRY_NOT_FOUND')
    for (const args of [
      ['show'],
      ['show', 'abc'],
      ['redrive'],
      ['redrive', '3', '--all'],
      ['list', '7'],
    ]) {
      const r = await mega(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toContain('MEGA_CLI_INVALID_ARGUMENT')
    }
    expect((await mega(['list', '--limit', '0'])).stderr).toContain(
      '--limit must be a whole number',
    )
  })
})

describe('mega jobs dlq without a queue to reach', () => {
  it('says the app has no jobs() plugin', async () => {
    const m = memoryIo(fixture('app'))
    expect(await run(['jobs', 'dlq', 'list'], m.io)).toBe(1)
    expect(m.stderr).toContain('no jobs() plugin')
    expect(m.stderr).toContain('(MEGA_JOBS_NOT_INSTALLED)')
  })

  it('says the jobs run in process when the bus is not nats', async () => {
    const m = memoryIo(fixture('jobs-memory-app'))
    expect(await run(['jobs', 'dlq', 'list'], m.io)).toBe(1)
    expect(m.stderr).toContain('adapters.bus is the "memory" driver, not nats')
    expect(m.stderr).toContain('(MEGA_JOBS_NO_NATS_BUS)')
  })
})
