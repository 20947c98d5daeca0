import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { OBSERVE_ERRORS } from './errors.js'
import { parseOptions } from './internal/zod-issues.js'
import { METRIC_NAMES } from './metric-names.js'
import { renderPrometheus } from './metrics.js'

/** IPC message type the primary sends to ask a worker for its metrics. */
export const CLUSTER_METRICS_COLLECT = 'mega:metrics:collect'
/** IPC message type a worker answers with. */
export const CLUSTER_METRICS_REPORT = 'mega:metrics:report'
/** How long the primary waits for each worker, in milliseconds. */
export const DEFAULT_CLUSTER_METRICS_TIMEOUT_MS = 2_000
/** The label that tells workers' samples apart in the merged text. */
export const DEFAULT_WORKER_LABEL = 'worker'

/** The primary's question: `{ type: 'mega:metrics:collect', id }`. */
export interface ClusterMetricsRequest {
  readonly type: typeof CLUSTER_METRICS_COLLECT
  readonly id: string
}

/** A worker's answer; `error` set (and `text` empty) when its render failed. */
export interface ClusterMetricsReport {
  readonly type: typeof CLUSTER_METRICS_REPORT
  readonly id: string
  readonly text: string
  readonly error?: string
}

type MessageListener = (message: unknown) => void
type SendCallback = (error: Error | null) => void

/** The slice of a worker's `process` that {@link serveClusterMetrics} uses. */
export interface ClusterMetricsChannel {
  send?(message: unknown, callback?: SendCallback): unknown
  on(event: 'message', listener: MessageListener): unknown
  off(event: 'message', listener: MessageListener): unknown
}

/** The slice of a `node:cluster` Worker (or a forked ChildProcess) the primary uses. */
export interface ClusterMetricsWorker {
  /** Rendered as the `worker` label value. */
  readonly id: string | number
  send(message: unknown, callback?: SendCallback): unknown
  on(event: 'message', listener: MessageListener): unknown
  off(event: 'message', listener: MessageListener): unknown
}

/** Timer functions, injectable so tests drive timeouts without waiting. */
export interface ClusterMetricsTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Options of {@link serveClusterMetrics}. */
export interface ServeClusterMetricsOptions {
  /** The worker's IPC channel. @default process */
  readonly process?: ClusterMetricsChannel
  /** Renders this worker's exposition text. @default renderPrometheus (the initMetrics instance) */
  readonly render?: () => Promise<string>
}

/** Options of {@link collectClusterMetrics}. */
export interface CollectClusterMetricsOptions {
  /** How long to wait for each worker; a late worker is left out. @default 2000 */
  readonly timeoutMs?: number
  /** Label name carrying the worker id. @default 'worker' */
  readonly workerLabel?: string
  /** The primary's own exposition text, merged with `worker="primary"`. @default undefined */
  readonly primary?: string
  /** @default the global setTimeout (unref'd) and clearTimeout */
  readonly timers?: ClusterMetricsTimers
}

/** What {@link collectClusterMetrics} gathered. */
export interface ClusterMetricsResult {
  /** One valid exposition text for the whole cluster. */
  readonly text: string
  /** Ids of the workers that answered in time. */
  readonly reported: readonly string[]
  /** Ids of the workers that did not answer in time, failed to render or could not be reached. */
  readonly missing: readonly string[]
}

/** One worker's exposition text, for {@link mergeExpositions}. */
export interface WorkerExposition {
  readonly worker: string
  readonly text: string
}

const DEFAULT_TIMERS: ClusterMetricsTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

const collectSchema = z.strictObject({
  timeoutMs: z.number().int().positive().default(DEFAULT_CLUSTER_METRICS_TIMEOUT_MS),
  workerLabel: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
    .default(DEFAULT_WORKER_LABEL),
  primary: z.string().optional(),
  timers: z.custom<ClusterMetricsTimers>((v) => typeof v === 'object' && v !== null).optional(),
})

function isRequest(message: unknown): message is ClusterMetricsRequest {
  const m = message as Partial<ClusterMetricsRequest> | null
  return (
    typeof m === 'object' &&
    m !== null &&
    m.type === CLUSTER_METRICS_COLLECT &&
    typeof m.id === 'string'
  )
}

function isReport(message: unknown, id: string): message is ClusterMetricsReport {
  const m = message as Partial<ClusterMetricsReport> | null
  return typeof m === 'object' && m !== null && m.type === CLUSTER_METRICS_REPORT && m.id === id
}

async function buildReport(
  id: string,
  render: () => Promise<string>,
): Promise<ClusterMetricsReport> {
  try {
    return { type: CLUSTER_METRICS_REPORT, id, text: await render() }
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err)
    return { type: CLUSTER_METRICS_REPORT, id, text: '', error }
  }
}

/**
 * In a cluster worker: answers the primary's metrics requests with this worker's exposition text.
 * Returns a function that stops answering.
 *
 * @example
 * initMetrics({ serviceName: 'shop-api' })
 * const stop = serveClusterMetrics() // in the worker; the primary calls collectClusterMetrics
 */
export function serveClusterMetrics(options: ServeClusterMetricsOptions = {}): () => void {
  const channel: ClusterMetricsChannel = options.process ?? process
  const render = options.render ?? renderPrometheus
  const send = channel.send?.bind(channel)
  if (send === undefined) {
    throw OBSERVE_ERRORS.create('MEGA_METRICS_INVALID', [
      'serveClusterMetrics() needs an IPC channel (process.send): call it in a cluster worker.',
    ])
  }
  const listener = (message: unknown) => {
    if (!isRequest(message)) return
    void buildReport(message.id, render).then((report) => {
      try {
        send(report, () => {}) // a closed channel only means the primary times this worker out
      } catch {
        // same: the primary counts this worker as missing
      }
    })
  }
  channel.on('message', listener)
  return () => void channel.off('message', listener)
}

function askWorker(
  worker: ClusterMetricsWorker,
  id: string,
  timeoutMs: number,
  timers: ClusterMetricsTimers,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const finish = (text: string | undefined) => {
      timers.clearTimeout(timer)
      worker.off('message', onMessage)
      resolve(text)
    }
    const onMessage = (message: unknown) => {
      if (isReport(message, id)) finish(message.error === undefined ? message.text : undefined)
    }
    const timer = timers.setTimeout(() => finish(undefined), timeoutMs)
    worker.on('message', onMessage)
    try {
      worker.send({ type: CLUSTER_METRICS_COLLECT, id }, (err) => err && finish(undefined))
    } catch {
      finish(undefined)
    }
  })
}

function clusterSummary(reported: number, missing: number): string {
  const name = METRIC_NAMES.clusterWorkers
  return [
    `# HELP ${name} Cluster workers whose metrics are in this scrape (reported) or left out (missing)`,
    `# TYPE ${name} gauge`,
    `${name}{state="reported"} ${reported}`,
    `${name}{state="missing"} ${missing}`,
    '',
  ].join('\n')
}

/**
 * On the cluster primary: asks every worker for its metrics, waits at most `timeoutMs` for each,
 * and merges the answers into one exposition text (each sample labelled `worker="<id>"`), plus a
 * `mega_cluster_workers{state}` gauge counting reported and missing workers.
 *
 * @example
 * const { text } = await collectClusterMetrics(Object.values(cluster.workers ?? {}), {
 *   primary: await renderPrometheus(),
 * })
 */
export async function collectClusterMetrics(
  workers: Iterable<ClusterMetricsWorker | undefined>,
  options: CollectClusterMetricsOptions = {},
): Promise<ClusterMetricsResult> {
  const config = parseOptions(collectSchema, options, 'collectClusterMetrics')
  const timers = config.timers ?? DEFAULT_TIMERS
  const id = randomUUID()
  const list = [...workers].filter((w): w is ClusterMetricsWorker => w !== undefined)
  const texts = await Promise.all(list.map((w) => askWorker(w, id, config.timeoutMs, timers)))
  const reports: WorkerExposition[] = []
  const missing: string[] = []
  list.forEach((w, i) => {
    const text = texts[i]
    if (text === undefined) missing.push(String(w.id))
    else reports.push({ worker: String(w.id), text })
  })
  const own = config.primary === undefined ? [] : [{ worker: 'primary', text: config.primary }]
  const merged = mergeExpositions([...own, ...reports], { workerLabel: config.workerLabel })
  return {
    text: merged + clusterSummary(reports.length, missing.length),
    reported: reports.map((r) => r.worker),
    missing,
  }
}

interface Family {
  readonly meta: Map<string, string>
  readonly samples: string[]
}

const FAMILY_SUFFIXES: ReadonlySet<string> = new Set([
  '_bucket',
  '_sum',
  '_count',
  '_total',
  '_created',
  '_info',
])
const META_LINE = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)/

function belongsTo(sample: string, family: string): boolean {
  if (sample === family) return true
  return sample.startsWith(family) && FAMILY_SUFFIXES.has(sample.slice(family.length))
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function withLabel(line: string, name: string, label: string): string {
  const rest = line.slice(name.length)
  if (!rest.startsWith('{')) return `${name}{${label}}${rest}`
  const separator = rest.startsWith('{}') ? '' : ','
  return `${name}{${label}${separator}${rest.slice(1)}`
}

function addText(families: Map<string, Family>, text: string, label: string): void {
  const familyOf = (name: string) => {
    let family = families.get(name)
    if (family === undefined) families.set(name, (family = { meta: new Map(), samples: [] }))
    return family
  }
  let current: string | undefined
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const meta = META_LINE.exec(line)
    if (meta !== null) {
      const [, kind = '', name = ''] = meta
      current = name
      const family = familyOf(name)
      if (!family.meta.has(kind)) family.meta.set(kind, line)
      continue
    }
    if (line.startsWith('#')) continue
    const name = /^[^{\s]+/.exec(line)?.[0] ?? ''
    const family = current !== undefined && belongsTo(name, current) ? current : name
    familyOf(family).samples.push(withLabel(line, name, label))
  }
}

/**
 * Merges workers' exposition texts into one valid text: each sample gains a worker label,
 * `# HELP`/`# TYPE` appear once per family, and each family's samples stay together. Plain
 * comments are dropped.
 *
 * @example
 * mergeExpositions([{ worker: '1', text: a }, { worker: '2', text: b }])
 */
export function mergeExpositions(
  reports: readonly WorkerExposition[],
  options: { readonly workerLabel?: string } = {},
): string {
  const labelName = options.workerLabel ?? DEFAULT_WORKER_LABEL
  const families = new Map<string, Family>()
  for (const r of reports) addText(families, r.text, `${labelName}="${escapeLabelValue(r.worker)}"`)
  let out = ''
  for (const family of families.values()) {
    for (const line of family.meta.values()) out += `${line}\n`
    for (const line of family.samples) out += `${line}\n`
  }
  return out
}
