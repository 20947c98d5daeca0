import { describe, expect, it } from 'vitest'
import { MegaConfigError } from '@mega/observe'
import { MegaCluster } from '../src/cluster/mega-cluster.js'
import {
  ANSWER,
  HEALTH_REPORT,
  HEALTH_REQUEST,
  QUERY,
  STOPPED_ACCEPTING,
  STOPPED_ACCEPTING_ACK,
} from '../src/cluster/cluster-messages.js'
import { type FakeWorker, flush, started } from './helpers/fake-cluster.js'

const sentOfType = (worker: FakeWorker, type: string) =>
  worker.sent.filter((m) => (m as { type?: string }).type === type) as Record<string, unknown>[]

describe('MegaCluster scheduling', () => {
  it("sets node:cluster's policy before the first fork: 'os' by default, 'primary' on request", async () => {
    expect((await started()).cluster.schedulingPolicy).toBe(1)
    expect((await started({ scheduling: 'primary' })).cluster.schedulingPolicy).toBe(2)
  })

  it('refuses an unknown scheduling', () => {
    expect(() => new MegaCluster({ scheduling: 'kernel' as 'os' })).toThrow(MegaConfigError)
  })
})

describe('MegaCluster SIGHUP', () => {
  it('starts a rolling restart on SIGHUP when restartOnSighup is set; a second SIGHUP meanwhile is only logged', async () => {
    const { cluster, proc, lines } = await started({ restartOnSighup: true })
    proc.emit('SIGHUP', 'SIGHUP')
    await flush()
    expect(cluster.forked).toHaveLength(3) // the first replacement is being started
    proc.emit('SIGHUP', 'SIGHUP')
    expect(lines('info')).toContain(
      '[mega-cluster] SIGHUP received: a rolling restart is already running',
    )
  })

  it('leaves SIGHUP alone by default', async () => {
    const { proc } = await started()
    expect(proc.listeners.has('SIGHUP')).toBe(false)
  })
})

describe('MegaCluster worker messages', () => {
  it('acknowledges a worker that stopped accepting, on the same channel', async () => {
    const { cluster } = await started()
    const [worker] = cluster.forked as [FakeWorker]
    cluster.emit('message', worker, { type: STOPPED_ACCEPTING })
    expect(sentOfType(worker, STOPPED_ACCEPTING_ACK)).toHaveLength(1)
  })

  it("answers a readiness query with every serving worker's report: ok while one is ok", async () => {
    const { cluster } = await started()
    const [a, b] = cluster.forked as [FakeWorker, FakeWorker]
    cluster.emit('message', a, { type: QUERY, id: 'q1', query: 'readiness' })
    await flush()
    const askA = sentOfType(a, HEALTH_REQUEST)[0]!
    const askB = sentOfType(b, HEALTH_REQUEST)[0]!
    expect(askA.kind).toBe('readiness')
    cluster.emit('message', a, { type: HEALTH_REPORT, id: askA.id, report: { status: 'ok' } })
    cluster.emit('message', b, { type: HEALTH_REPORT, id: askB.id, report: { status: 'fail' } })
    await flush()
    expect(sentOfType(a, ANSWER)).toEqual([
      {
        type: ANSWER,
        id: 'q1',
        result: {
          status: 'ok',
          shuttingDown: false,
          workers: { 101: { status: 'ok' }, 102: { status: 'fail' } },
        },
      },
    ])
  })

  it("merges every serving worker's metrics into one text with a worker label", async () => {
    const { cluster } = await started()
    const [a, b] = cluster.forked as [FakeWorker, FakeWorker]
    cluster.emit('message', b, { type: QUERY, id: 'q2', query: 'metrics' })
    await flush()
    for (const worker of [a, b]) {
      const ask = sentOfType(worker, 'mega:metrics:collect')[0]!
      const text = `# TYPE hits counter\nhits_total ${worker.process.pid}\n`
      cluster.emit('message', worker, { type: 'mega:metrics:report', id: ask.id, text })
    }
    await flush()
    const text = (sentOfType(b, ANSWER)[0]!.result as { text: string }).text
    expect(text).toContain('hits_total{worker="101"} 101')
    expect(text).toContain('hits_total{worker="102"} 102')
    expect(text).toContain('mega_cluster_workers{state="reported"} 2')
  })
})
