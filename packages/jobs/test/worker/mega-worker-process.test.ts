import { caught } from '@mega/test-utils'
import { describe, expect, it } from 'vitest'
import { pool } from './pool-helpers.js'

describe('MegaWorker (process mode)', () => {
  it('round-trips through a child process', async () => {
    const worker = pool({ mode: 'process', resourceLimits: { maxOldGenerationSizeMb: 128 } })
    expect(await worker.run('add', { a: 20, b: 22 })).toBe(42)
    const data = { when: new Date(0), bytes: new Uint8Array([1, 2]), map: new Map([['k', 1]]) }
    expect(await worker.run('echo', data)).toEqual(data)
    const where = (await worker.run('where')) as { pid: number }
    expect(where.pid).not.toBe(process.pid)
    const failed = (await worker.run('fail', { message: 'nope' }).catch((e: unknown) => e)) as Error
    expect([failed.name, failed.message]).toEqual(['RangeError', 'nope'])
    expect((await caught(worker.run('missing'))).code).toBe('MEGA_WORKER_UNKNOWN_TASK')
  })

  it('rejects a crashed child’s task with MEGA_WORKER_CRASHED and starts a new child', async () => {
    const worker = pool({ mode: 'process' })
    const before = (await worker.run('where')) as { pid: number }
    const error = await caught(worker.run('exit', 3))
    expect(error.code).toBe('MEGA_WORKER_CRASHED')
    expect(error.message).toContain('exit code 3')
    const after = (await worker.run('where')) as { pid: number }
    expect(after.pid).not.toBe(before.pid)
  })

  it('kills a child whose task runs over taskTimeoutMs and serves the next task', async () => {
    const worker = pool({ mode: 'process', taskTimeoutMs: 300 })
    expect((await caught(worker.run('spin'))).code).toBe('MEGA_WORKER_TIMEOUT')
    expect(await worker.run('add', { a: 1, b: 2 })).toBe(3)
  })
})
