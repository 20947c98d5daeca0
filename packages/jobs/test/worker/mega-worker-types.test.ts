import { createMetrics } from '@mega/observe'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { defineTasks, type MegaWorker, type TaskInput, type TaskOutput } from '../../src/index.js'
import { pool } from './pool-helpers.js'

const tasks = defineTasks({
  hash: async (input: { text: string }) => input.text.length,
  now: () => new Date(0),
})
type Tasks = typeof tasks

describe('MegaWorker typing and metrics', () => {
  it('types run() from the task module: names, inputs and outputs', () => {
    expectTypeOf<TaskInput<Tasks, 'hash'>>().toEqualTypeOf<{ text: string }>()
    expectTypeOf<TaskOutput<Tasks, 'hash'>>().toEqualTypeOf<number>()
    // Compiled, never called: the type checker is the test.
    const _check = (typed: MegaWorker<Tasks>, untyped: MegaWorker) => {
      expectTypeOf(typed.run('hash', { text: 'a' })).toEqualTypeOf<Promise<number>>()
      expectTypeOf(typed.run('now')).toEqualTypeOf<Promise<Date>>()
      expectTypeOf(untyped.run('anything')).toEqualTypeOf<Promise<unknown>>()
      // @ts-expect-error an unknown task name does not compile
      void typed.run('nope')
      // @ts-expect-error the input must match the handler
      void typed.run('hash', { text: 1 })
    }
    expectTypeOf(_check).toBeFunction()
  })

  it('defineTasks returns the tasks frozen and refuses a task that is not a function', () => {
    expect(Object.keys(tasks)).toEqual(['hash', 'now'])
    expect(Object.isFrozen(tasks)).toBe(true)
    expect(() => defineTasks({ bad: 1 as never })).toThrow(/bad: a task is a function/)
  })

  it('records tasks by outcome and busy/queued gauges on the metrics it is given', async () => {
    const metrics = createMetrics({ serviceName: 'pool-test' })
    const worker = pool({ name: 'images', metrics })
    await worker.run('add', { a: 1, b: 2 })
    await worker.run('fail', { message: 'x' }).catch(() => undefined)
    const text = await metrics.renderPrometheus()
    expect(text).toMatch(/^mega_worker_tasks_total\{pool="images",outcome="completed"[^}]*\} 1$/m)
    expect(text).toMatch(/^mega_worker_tasks_total\{pool="images",outcome="failed"[^}]*\} 1$/m)
    expect(text).toMatch(/^mega_worker_busy\{pool="images"[^}]*\} 0$/m)
    await metrics.shutdown()
  })
})
