import { threadId } from 'node:worker_threads'
import { caught } from '@mega/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { MegaWorker } from '../../src/index.js'
import { flags, pool, TASKS } from './pool-helpers.js'

describe('MegaWorker (thread mode)', () => {
  it('round-trips input and output through a member thread', async () => {
    const worker = pool()
    expect(await worker.run('add', { a: 2, b: 3 })).toBe(5)
    const data = { when: new Date(0), bytes: new Uint8Array([1, 2]), map: new Map([['k', 1]]) }
    expect(await worker.run('echo', data)).toEqual(data)
    const where = (await worker.run('where')) as { pid: number; threadId: number }
    expect(where.pid).toBe(process.pid)
    expect(where.threadId).not.toBe(threadId)
    expect(worker.stats).toEqual({ size: 1, busy: 0, queued: 0, completed: 3, failed: 0 })
  })

  it('rejects with what the task threw: name, message and code kept', async () => {
    const worker = pool()
    const error = (await worker
      .run('fail', { message: 'bad row' })
      .catch((e: unknown) => e)) as Error & {
      code?: string
    }
    expect(error).toBeInstanceOf(Error)
    expect([error.name, error.message, error.code]).toEqual(['RangeError', 'bad row', 'E_FIXTURE'])
    expect(await worker.run('add', { a: 1, b: 1 })).toBe(2)
    expect(worker.stats.failed).toBe(1)
  })

  it('runs two tasks at once on a pool of 2 (each waits for the other to arrive)', async () => {
    const worker = pool({ size: 2 })
    const { shared } = flags()
    const [a, b] = (await Promise.all([
      worker.run('barrier', { shared, parties: 2 }),
      worker.run('barrier', { shared, parties: 2 }),
    ])) as { start: number; end: number; arrived: number }[]
    expect([a!.arrived, b!.arrived]).toEqual([2, 2])
    expect(a!.start).toBeLessThanOrEqual(b!.end)
    expect(b!.start).toBeLessThanOrEqual(a!.end)
  })

  it('refuses a task over maxQueue at once with MEGA_WORKER_QUEUE_FULL, queueing nothing', async () => {
    const worker = pool({ size: 1, maxQueue: 1 })
    const gate = flags()
    const running = worker.run('gate', { shared: gate.shared })
    const queued = worker.run('add', { a: 1, b: 2 })
    const error = await caught(worker.run('add', { a: 0, b: 0 }))
    expect(error.code).toBe('MEGA_WORKER_QUEUE_FULL')
    expect(error.details).toEqual({ pool: 'default', size: 1, maxQueue: 1 })
    expect(worker.stats.busy + worker.stats.queued).toBe(2)
    gate.open()
    expect(await running).toBe('released')
    expect(await queued).toBe(3)
    expect(worker.stats).toMatchObject({ completed: 2, failed: 0, queued: 0 })
  })

  it('ends a task that runs over taskTimeoutMs by terminating its thread, then serves the next', async () => {
    const worker = pool({ taskTimeoutMs: 200 })
    const before = (await worker.run('where')) as { threadId: number }
    const error = await caught(worker.run('spin'))
    expect(error.code).toBe('MEGA_WORKER_TIMEOUT')
    expect(error.details).toEqual({ task: 'spin', timeoutMs: 200 })
    const after = (await worker.run('where')) as { threadId: number }
    expect(after.threadId).not.toBe(before.threadId)
    expect(worker.stats).toMatchObject({ completed: 2, failed: 1, busy: 0 })
  })

  it('rejects only the crashed member’s task with MEGA_WORKER_CRASHED and replaces the member', async () => {
    const worker = pool({ size: 2 })
    const gate = flags()
    const other = worker.run('gate', { shared: gate.shared })
    await vi.waitFor(() => expect(gate.started()).toBe(1))
    const exited = await caught(worker.run('exit', 7))
    expect(exited.code).toBe('MEGA_WORKER_CRASHED')
    expect(exited.message).toContain('exit code 7')
    const thrown = await caught(worker.run('throwLater'))
    expect(thrown.code).toBe('MEGA_WORKER_CRASHED')
    expect(thrown.message).toContain('uncaught in the member')
    gate.open()
    expect(await other).toBe('released')
    expect(await worker.run('add', { a: 4, b: 4 })).toBe(8)
  })

  it('names the known tasks when the task name is unknown', async () => {
    const worker = pool()
    const error = await caught(worker.run('nope'))
    expect(error.code).toBe('MEGA_WORKER_UNKNOWN_TASK')
    expect(error.message).toContain('echo, add, where, fail')
    expect(error.details).toMatchObject({ task: 'nope' })
  })

  it('cancels a queued task on abort without touching the running one', async () => {
    const worker = pool()
    const gate = flags()
    const running = worker.run('gate', { shared: gate.shared })
    await vi.waitFor(() => expect(gate.started()).toBe(1))
    const controller = new AbortController()
    const queued = caught(worker.run('add', { a: 1, b: 1 }, { signal: controller.signal }))
    expect(worker.stats.queued).toBe(1)
    controller.abort(new Error('user left'))
    const error = await queued
    expect(error.code).toBe('MEGA_WORKER_ABORTED')
    expect((error.cause as Error).message).toBe('user left')
    expect(worker.stats.queued).toBe(0)
    gate.open()
    expect(await running).toBe('released')
  })

  it('terminates a running task on abort and keeps serving', async () => {
    const worker = pool()
    const controller = new AbortController()
    const gate = flags()
    const running = worker.run('gate', { shared: gate.shared }, { signal: controller.signal })
    await vi.waitFor(() => expect(gate.started()).toBe(1))
    controller.abort()
    expect((await caught(running)).code).toBe('MEGA_WORKER_ABORTED')
    expect(await worker.run('add', { a: 2, b: 2 })).toBe(4)
    const already = await caught(worker.run('add', { a: 0, b: 0 }, { signal: AbortSignal.abort() }))
    expect(already.code).toBe('MEGA_WORKER_ABORTED')
  })

  it('close() waits for running and queued tasks, then refuses new ones; it is idempotent', async () => {
    const worker = pool()
    const sleeping = worker.run('sleep', 150)
    const queued = worker.run('add', { a: 1, b: 2 })
    const settled: string[] = []
    void sleeping.then(() => settled.push('sleep'))
    void queued.then(() => settled.push('add'))
    const closing = worker.close({ timeoutMs: 10_000 })
    expect(worker.close()).toBe(closing)
    expect((await caught(worker.run('add', { a: 0, b: 0 }))).code).toBe('MEGA_WORKER_CLOSED')
    await closing
    expect(settled).toEqual(['sleep', 'add'])
  })

  it('close() stops waiting as soon as a task it waits for times out', async () => {
    const worker = pool({ taskTimeoutMs: 200 })
    const spinning = caught(worker.run('spin'))
    await worker.close({ timeoutMs: 60_000 })
    expect((await spinning).code).toBe('MEGA_WORKER_TIMEOUT')
  })

  it('close() terminates what is still running after timeoutMs with MEGA_WORKER_CLOSED', async () => {
    const worker = pool()
    const spinning = caught(worker.run('spin'))
    const queued = caught(worker.run('add', { a: 1, b: 2 }))
    await worker.close({ timeoutMs: 100 })
    expect((await spinning).code).toBe('MEGA_WORKER_CLOSED')
    expect((await queued).code).toBe('MEGA_WORKER_CLOSED')
    expect(worker.stats).toMatchObject({ busy: 0, queued: 0, failed: 2 })
  })

  it('moves transferred buffers instead of copying them', async () => {
    const worker = pool()
    const buffer = new Uint8Array([1, 2, 3]).buffer
    const echoed = (await worker.run('echo', buffer, { transfer: [buffer] })) as ArrayBuffer
    expect(buffer.byteLength).toBe(0)
    expect([...new Uint8Array(echoed)]).toEqual([1, 2, 3])
  })

  it('rejects input or output that cannot be copied, and the member keeps serving', async () => {
    const worker = pool()
    expect((await caught(worker.run('echo', () => 1))).code).toBe('MEGA_WORKER_INVALID_INPUT')
    const error = (await worker.run('unclonable').catch((e: unknown) => e)) as Error
    expect(error.name).toBe('DataCloneError')
    expect(await worker.run('add', { a: 1, b: 1 })).toBe(2)
  })

  it('rejects queued tasks with MEGA_WORKER_LOAD_FAILED when the task module does not load', async () => {
    for (const file of ['pool-no-tasks.mjs', 'pool-throws-on-load.mjs']) {
      const worker = pool({ entry: new URL(`../fixtures/${file}`, import.meta.url) })
      const error = await caught(worker.run('echo', 1))
      expect(error.code).toBe('MEGA_WORKER_LOAD_FAILED')
    }
  })

  it('validates its options at construction, every problem in one MEGA_CONFIG_INVALID', () => {
    const error = caught(
      () =>
        new MegaWorker({
          entry: 'relative/tasks.js',
          size: 0,
          taskTimeoutMs: -1,
          mode: 'process',
          resourceLimits: { stackSizeMb: 8 },
        }),
    )
    expect(error.code).toBe('MEGA_CONFIG_INVALID')
    expect(error.issues?.map((i) => i.path).sort()).toEqual([
      'MegaWorker.entry',
      'MegaWorker.resourceLimits.stackSizeMb',
      'MegaWorker.size',
      'MegaWorker.taskTimeoutMs',
    ])
    const missing = caught(() => new MegaWorker({ entry: new URL('../fixtures/none.mjs', TASKS) }))
    expect(missing.issues?.[0]?.message).toContain('no file at')
  })
})
