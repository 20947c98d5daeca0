import { MegaConfigError } from '@mega/observe'

/**
 * One task handler: takes the input the caller passed to `run` (a structured-clone copy) and returns
 * the output (or a promise of it), which is copied back the same way.
 */
export type TaskHandler<I = never, O = unknown> = (input: I) => O | Promise<O>

/** The tasks of one task module: task name → handler. */
export type TaskMap = Readonly<Record<string, TaskHandler>>

/** The input type of task `K` of `T` (`unknown` when the handler takes none). */
export type TaskInput<T extends TaskMap, K extends keyof T> = T[K] extends (
  input: infer I,
) => unknown
  ? I
  : never

/** The resolved output type of task `K` of `T`. */
export type TaskOutput<T extends TaskMap, K extends keyof T> = Awaited<ReturnType<T[K]>>

/**
 * Declares the tasks of a task module, the file a {@link MegaWorker} loads in each thread or child
 * process. Export the result as the module's default export; the pool's type parameter takes its
 * type, so `run` checks task names, inputs and outputs.
 *
 * @example
 * // tasks.ts (built to tasks.js)
 * import { defineTasks } from '@mega/jobs'
 * const tasks = defineTasks({
 *   hash: async (input: { text: string }) => createHash('sha256').update(input.text).digest('hex'),
 * })
 * export default tasks
 * export type Tasks = typeof tasks
 */
export function defineTasks<const T extends Readonly<Record<string, TaskHandler<never>>>>(
  tasks: T,
): T {
  const issues = Object.entries(tasks)
    .filter(([, handler]) => typeof handler !== 'function')
    .map(([name]) => ({ path: name, message: 'a task is a function (input) => output' }))
  if (issues.length > 0) throw new MegaConfigError('defineTasks', issues)
  return Object.freeze({ ...tasks })
}
