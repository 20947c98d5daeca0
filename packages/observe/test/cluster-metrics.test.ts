import { fork, type ChildProcess } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import {
  CLUSTER_METRICS_COLLECT,
  CLUSTER_METRICS_REPORT,
  collectClusterMetrics,
  mergeExpositions,
  serveClusterMetrics,
  type ClusterMetricsTimers,
  type ClusterMetricsWorker,
} from '../src/cluster-metrics.js'

const FIXTURE = fileURLToPath(new URL('./fixtures/metrics-worker.mjs', import.meta.url))
const children: ChildProcess[] = []

afterEach(async () => {
  await Promise.all(
    children.splice(0).map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill()
      await exited
    }),
  )
})

async function forkWorker(
  id: string,
  mode: 'ok' | 'silent' | 'error',
): Promise<ClusterMetricsWorker> {
  const child = fork(FIXTURE, [mode, `worker-${id}`], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  children.push(child)
  await once(child, 'message') // fixture:ready
  return {
    id,
    send: (message, callback) => child.send(message as object, callback),
    on: (event, listener) => child.on(event, listener),
    off: (event, listener) => child.off(event, listener),
  }
}

/** Timers that fire only when the test says so. */
function manualTimers() {
  const pending = new Set<() => void>()
  const timers: ClusterMetricsTimers = {
    setTimeout: (fn) => {
      pending.add(fn)
      return fn
    },
    clearTimeout: (handle) => void pending.delete(handle as () => void),
  }
  const fireAll = () => [...pending].forEach((fn) => fn())
  return { timers, pending, fireAll }
}

describe('mergeExpositions', () => {
  const a = [
    '# HELP jobs_total Jobs',
    '# TYPE jobs_total counter',
    'jobs_total{queue="mail"} 1',
    '# a plain comment',
    '# HELP depth Depth',
    '# TYPE depth gauge',
    'depth 4',
    '',
  ].join('\n')
  const b = [
    '# HELP depth Depth',
    '# TYPE depth gauge',
    'depth{} 5',
    '# HELP jobs_total Jobs',
    '# TYPE jobs_total counter',
    'jobs_total{queue="mail"} 2',
  ].join('\n')

  it('labels each sample with its worker and keeps one HELP/TYPE per family, grouped', () => {
    expect(
      mergeExpositions([
        { worker: '1', text: a },
        { worker: '2', text: b },
      ]),
    ).toBe(
      [
        '# HELP jobs_total Jobs',
        '# TYPE jobs_total counter',
        'jobs_total{worker="1",queue="mail"} 1',
        'jobs_total{worker="2",queue="mail"} 2',
        '# HELP depth Depth',
        '# TYPE depth gauge',
        'depth{worker="1"} 4',
        'depth{worker="2"} 5',
        '',
      ].join('\n'),
    )
  })

  it('keeps histogram series (_bucket, _sum, _count) in their family', () => {
    const h = [
      '# HELP d_seconds D',
      '# TYPE d_seconds histogram',
      'd_seconds_count 1',
      'd_seconds_sum 0.1',
      'd_seconds_bucket{le="+Inf"} 1',
    ].join('\n')
    const merged = mergeExpositions([
      { worker: '1', text: h },
      { worker: '2', text: h },
    ])
    expect(merged.match(/# TYPE/g)).toHaveLength(1)
    expect(merged.split('\n').slice(2, 8)).toEqual([
      'd_seconds_count{worker="1"} 1',
      'd_seconds_sum{worker="1"} 0.1',
      'd_seconds_bucket{worker="1",le="+Inf"} 1',
      'd_seconds_count{worker="2"} 1',
      'd_seconds_sum{worker="2"} 0.1',
      'd_seconds_bucket{worker="2",le="+Inf"} 1',
    ])
  })

  it('escapes the worker id and honours a custom label name', () => {
    const merged = mergeExpositions([{ worker: 'a"b\\c', text: 'up 1 1700000000000' }], {
      workerLabel: 'instance_id',
    })
    expect(merged).toBe('up{instance_id="a\\"b\\\\c"} 1 1700000000000\n')
  })
})

describe('serveClusterMetrics', () => {
  function channel() {
    const emitter = new EventEmitter()
    const sent: unknown[] = []
    const send = (message: unknown) => {
      sent.push(message)
      emitter.emit('sent')
    }
    return { emitter, sent, port: Object.assign(emitter, { send }) }
  }

  it('answers a collect request with the rendered text under the same id', async () => {
    const { emitter, sent, port } = channel()
    const stop = serveClusterMetrics({ process: port, render: () => Promise.resolve('up 1\n') })
    emitter.emit('message', { type: 'other' })
    emitter.emit('message', { type: CLUSTER_METRICS_COLLECT, id: 'r1' })
    await once(emitter, 'sent')
    expect(sent).toEqual([{ type: CLUSTER_METRICS_REPORT, id: 'r1', text: 'up 1\n' }])
    stop()
    expect(emitter.listenerCount('message')).toBe(0)
  })

  it('reports a render failure instead of staying silent', async () => {
    const { emitter, sent, port } = channel()
    serveClusterMetrics({ process: port, render: () => Promise.reject(new Error('boom')) })
    emitter.emit('message', { type: CLUSTER_METRICS_COLLECT, id: 'r2' })
    await once(emitter, 'sent')
    expect(sent).toEqual([{ type: CLUSTER_METRICS_REPORT, id: 'r2', text: '', error: 'boom' }])
  })

  it('throws MEGA_METRICS_INVALID outside a worker (no IPC channel)', () => {
    const port = new EventEmitter()
    expect(() => serveClusterMetrics({ process: port })).toThrow(
      expect.objectContaining({ code: 'MEGA_METRICS_INVALID' }),
    )
  })
})

describe('collectClusterMetrics', () => {
  it('merges real forked workers into one text with a worker label per sample', async () => {
    const workers = await Promise.all([forkWorker('1', 'ok'), forkWorker('2', 'ok')])
    const result = await collectClusterMetrics(workers, { primary: 'mega_primary_up 1\n' })
    expect(result.reported).toEqual(['1', '2'])
    expect(result.missing).toEqual([])
    expect(result.text.match(/# TYPE mega_http_requests_total counter/g)).toHaveLength(1)
    expect(result.text).toContain('mega_http_requests_total{worker="1",method="GET"')
    expect(result.text).toContain('mega_http_requests_total{worker="2",method="GET"')
    expect(result.text).toContain('mega_primary_up{worker="primary"} 1\n')
    expect(result.text).toContain('mega_cluster_workers{state="reported"} 2\n')
    expect(result.text).toContain('mega_cluster_workers{state="missing"} 0\n')
  })

  it('leaves out and counts a worker that does not answer before the timeout', async () => {
    const ok = await forkWorker('1', 'ok')
    const silent = await forkWorker('2', 'silent')
    const { timers, pending, fireAll } = manualTimers()
    const answered = new Promise((resolve) => ok.on('message', resolve))
    const collecting = collectClusterMetrics([ok, silent], { timers, timeoutMs: 50 })
    await answered
    expect(pending.size).toBe(1) // only the silent worker is still awaited
    fireAll()
    const result = await collecting
    expect(result.reported).toEqual(['1'])
    expect(result.missing).toEqual(['2'])
    expect(result.text).not.toContain('worker="2"')
    expect(result.text).toContain('mega_cluster_workers{state="missing"} 1\n')
  })

  it('counts a worker whose render failed or whose process is gone as missing', async () => {
    const failing = await forkWorker('1', 'error')
    const dead = await forkWorker('2', 'ok')
    const child = children[1]
    const exited = once(child as ChildProcess, 'exit')
    child?.kill()
    await exited
    const result = await collectClusterMetrics([failing, dead, undefined])
    expect(result.reported).toEqual([])
    expect(result.missing).toEqual(['1', '2'])
  })

  it('rejects invalid options with MEGA_CONFIG_INVALID', async () => {
    await expect(collectClusterMetrics([], { timeoutMs: -1 })).rejects.toMatchObject({
      code: 'MEGA_CONFIG_INVALID',
    })
  })
})
