import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { isAbsolute } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { z } from 'zod'
import { metricsOptionSchema, type MetricsSink } from '../metrics-sink.js'

/** How pool members run: `thread` (worker_threads) or `process` (a child `node` with IPC). */
export const WORKER_MODES = ['thread', 'process'] as const

/** One of {@link WORKER_MODES}. */
export type WorkerMode = (typeof WORKER_MODES)[number]

/** Tasks that may wait for a free member, per member, when `maxQueue` is not given. */
export const DEFAULT_MAX_QUEUE_PER_WORKER = 64

/** How long `close()` lets running and queued tasks finish before it terminates them, in ms. */
export const DEFAULT_WORKER_CLOSE_TIMEOUT_MS = 10_000

/** Memory limits of one member (see Node's `ResourceLimits`); `process` mode takes only the heap limit. */
export interface WorkerResourceLimits {
  /** The main heap's limit in MB (process mode: `--max-old-space-size`). @default Node's */
  readonly maxOldGenerationSizeMb?: number
  /** The young generation's limit in MB (thread mode only). @default Node's */
  readonly maxYoungGenerationSizeMb?: number
  /** The code range's size in MB (thread mode only). @default Node's */
  readonly codeRangeSizeMb?: number
  /** The thread's stack size in MB (thread mode only). @default 4 */
  readonly stackSizeMb?: number
}

/** What `new MegaWorker(config)` takes. */
export interface MegaWorkerConfig {
  /**
   * The task module: a `file:` URL or an absolute path of a JavaScript module whose default export
   * is `defineTasks({...})`. In production, point at the built `.js` file.
   */
  readonly entry: URL | string
  /** The most members (threads or processes) running at once. @default availableParallelism() - 1, at least 1 */
  readonly size?: number
  /**
   * How many tasks may wait for a free member; a `run` beyond it fails at once with
   * `MEGA_WORKER_QUEUE_FULL`. @default size * 64
   */
  readonly maxQueue?: number
  /** A running task's time limit in ms; 0 means none. Counted from when a member takes it. @default 0 */
  readonly taskTimeoutMs?: number
  /** `thread` (worker_threads) or `process` (child process: isolation from leaks and native crashes). @default 'thread' */
  readonly mode?: WorkerMode
  /** Memory limits of each member. @default Node's */
  readonly resourceLimits?: WorkerResourceLimits
  /** The pool's name, in thread names, error messages and metric labels. @default 'default' */
  readonly name?: string
  /**
   * Where the pool records its metrics; `false` for none. @default the process metrics of
   * `@mega/observe` when `initMetrics()` ran, otherwise none
   */
  readonly metrics?: MetricsSink | false
}

const positiveMb = z.number().positive()

const resourceLimitsSchema = z.strictObject({
  maxOldGenerationSizeMb: positiveMb.optional(),
  maxYoungGenerationSizeMb: positiveMb.optional(),
  codeRangeSizeMb: positiveMb.optional(),
  stackSizeMb: positiveMb.optional(),
})

function toEntryUrl(entry: URL | string): string | undefined {
  if (entry instanceof URL) return entry.protocol === 'file:' ? entry.href : undefined
  if (entry.startsWith('file:')) return new URL(entry).href
  return isAbsolute(entry) ? pathToFileURL(entry).href : undefined
}

/** The zod schema of {@link MegaWorkerConfig}: validation and defaults in one place. */
export const megaWorkerConfigSchema = z
  .strictObject({
    entry: z.union([z.instanceof(URL), z.string().min(1)]),
    size: z.number().int().min(1).optional(),
    maxQueue: z.number().int().min(0).optional(),
    taskTimeoutMs: z.number().int().min(0).default(0),
    mode: z.enum(WORKER_MODES).default('thread'),
    resourceLimits: resourceLimitsSchema.optional(),
    name: z.string().min(1).default('default'),
    metrics: metricsOptionSchema,
  })
  .superRefine((o, ctx) => {
    const url = toEntryUrl(o.entry)
    if (url === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['entry'],
        message: 'entry is a file: URL or an absolute path',
      })
    } else if (!existsSync(fileURLToPath(url))) {
      ctx.addIssue({
        code: 'custom',
        path: ['entry'],
        message: `no file at ${fileURLToPath(url)}: build the task module or fix the path`,
      })
    }
    const limits = o.resourceLimits ?? {}
    if (o.mode === 'process') {
      for (const key of ['maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'] as const) {
        if (limits[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['resourceLimits', key],
            message: `${key} applies to thread mode only; process mode takes maxOldGenerationSizeMb`,
          })
        }
      }
    }
  })
  .transform((o) => {
    const size = o.size ?? Math.max(1, availableParallelism() - 1)
    return {
      ...o,
      entry: toEntryUrl(o.entry) ?? '',
      size,
      maxQueue: o.maxQueue ?? size * DEFAULT_MAX_QUEUE_PER_WORKER,
    }
  })

/** The resolved, frozen options of one pool. */
export type ResolvedWorkerConfig = z.output<typeof megaWorkerConfigSchema>
