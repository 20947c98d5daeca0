import { describe, expect, it } from 'vitest'
import { MegaConfigError, MegaError } from '@mega/observe'
import {
  CLUSTER_READY_MESSAGE,
  CLUSTER_SHUTDOWN_MESSAGE,
  type ClusterModule,
} from '../src/cluster/cluster-config.js'
import { MegaCluster, onClusterShutdown } from '../src/cluster/mega-cluster.js'
import {
  Emitter,
  type Listener,
  type FakeCluster,
  type FakeWorker,
  flush,
  setup,
  started,
} from './helpers/fake-cluster.js'

describe('MegaCluster options', () => {
  it('resolves workers: auto with availableParallelism', () => {
    expect(setup({ workers: 'auto', availableParallelism: () => 6 }).megaCluster.size).toBe(6)
    expect(setup({ workers: 3 }).megaCluster.size).toBe(3)
  })

  it('lists every invalid option in one MegaConfigError', () => {
    let error: unknown
    try {
      new MegaCluster({
        workers: 0,
        gracePeriodMs: -1,
        respawn: 'yes' as unknown as boolean,
        cluster: {} as ClusterModule,
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(MegaConfigError)
    const paths = (error as MegaConfigError).issues?.map((i) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'cluster config.workers',
        'cluster config.respawn',
        'cluster config.gracePeriodMs',
        'cluster config.cluster',
      ]),
    )
  })
})

describe('MegaCluster.start', () => {
  it('forks the workers with the env on the primary and prefixes every log line', async () => {
    const { cluster, logs } = await started({ workers: 3, env: { APP: 'x' } })
    expect(cluster.forked).toHaveLength(3)
    const env = { APP: 'x', MEGA_CLUSTER_WORKER: '1' } // the marker boot() reads to talk to the primary
    expect(cluster.forked.map((w) => w.env)).toEqual([env, env, env])
    expect(logs.length).toBeGreaterThan(0)
    for (const { message } of logs) expect(message.startsWith('[mega-cluster] ')).toBe(true)
  })

  it('runs workerFn in a worker and forks nothing', async () => {
    const ctx = setup()
    ctx.cluster.isPrimary = false
    let booted = 0
    await ctx.megaCluster.start(async () => {
      booted += 1
    })
    expect(booted).toBe(1)
    expect(ctx.cluster.forked).toHaveLength(0)
    expect(ctx.proc.listeners.size).toBe(0)
  })

  it('refuses a second start', async () => {
    const { megaCluster } = await started()
    await expect(megaCluster.start(() => undefined)).rejects.toMatchObject({
      code: 'MEGA_CLUSTER_INVALID_STATE',
    })
  })

  it('logs a worker error event as a warning', async () => {
    const { cluster, lines } = await started()
    cluster.forked[0]!.emit('error', new Error('channel closed'))
    expect(lines('warn')).toEqual(['[mega-cluster] worker 101: channel closed'])
  })
})

describe('MegaCluster shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'])(
    'on %s broadcasts shutdown and arms an unref grace timer',
    async (signal) => {
      const { megaCluster, cluster, proc, time, lines } = await started({ gracePeriodMs: 5000 })
      proc.emit(signal)
      expect(megaCluster.shuttingDown).toBe(true)
      expect(lines('info').at(-1)).toBe(
        `[mega-cluster] ${signal} received: shutting down 2 worker(s), grace period 5000 ms`,
      )
      for (const worker of cluster.forked) {
        expect(worker.sent).toEqual([CLUSTER_SHUTDOWN_MESSAGE])
        expect(worker.disconnects).toBe(1)
      }
      expect(time.timers).toHaveLength(1)
      expect(time.timers[0]).toMatchObject({ ms: 5000, unrefed: true, cleared: false })
    },
  )

  it('SIGKILLs every worker and exits 1 when the grace period passes, logging kill errors', async () => {
    const { cluster, proc, time, lines } = await started({ gracePeriodMs: 5000 })
    cluster.forked[1]!.killError = new Error('ESRCH')
    proc.emit('SIGTERM')
    time.advance(4999)
    expect(proc.exits).toEqual([])
    time.advance(1)
    expect(cluster.forked[0]!.kills).toEqual(['SIGKILL'])
    expect(lines('warn')).toEqual(['[mega-cluster] could not SIGKILL worker 102: ESRCH'])
    expect(proc.exits).toEqual([1])
  })

  it('removes exiting workers and, after the last, cancels the grace timer and exits 0 only', async () => {
    const { megaCluster, cluster, proc, time } = await started({ gracePeriodMs: 5000 })
    proc.emit('SIGTERM')
    cluster.exit(cluster.forked[0]!, 0)
    expect(megaCluster.workers).toEqual([cluster.forked[1]])
    expect(proc.exits).toEqual([])
    cluster.exit(cluster.forked[1]!, 0)
    expect(megaCluster.workers).toEqual([])
    expect(time.timers[0]!.cleared).toBe(true)
    time.advance(10_000)
    expect(proc.exits).toEqual([0])
    expect(cluster.forked).toHaveLength(2) // nothing respawned during shutdown
  })

  it('ignores a second signal during shutdown', async () => {
    const { cluster, proc, time } = await started()
    proc.emit('SIGTERM')
    proc.emit('SIGINT')
    expect(time.timers).toHaveLength(1)
    expect(cluster.forked[0]!.sent).toHaveLength(1)
  })
})

describe('MegaCluster respawn', () => {
  it('warns and forks a replacement when a worker exits outside shutdown', async () => {
    const { megaCluster, cluster, time, lines } = await started()
    time.advance(5000)
    cluster.exit(cluster.forked[0]!, 1)
    expect(cluster.forked).toHaveLength(3)
    expect(megaCluster.workers).toEqual([cluster.forked[1], cluster.forked[2]])
    expect(lines('warn')).toEqual([
      '[mega-cluster] worker 101 exited (code 1, signal null) after 5000 ms; rapid crashes 0/5 in 10000 ms: forking a replacement',
    ])
  })

  it('exits 1 with an error on the 5th rapid crash inside the 10 s window', async () => {
    const { cluster, proc, time, lines } = await started()
    for (let i = 0; i < 4; i += 1) {
      time.advance(500)
      cluster.exit(cluster.forked.at(-1)!, 1)
    }
    expect(proc.exits).toEqual([])
    expect(lines('warn').at(-1)).toContain('rapid crashes 4/5 in 10000 ms')
    time.advance(500)
    cluster.exit(cluster.forked.at(-1)!, null, 'SIGSEGV')
    expect(proc.exits).toEqual([1])
    expect(lines('error')).toEqual([
      '[mega-cluster] crash loop: 5 workers died within 1000 ms of starting in the last 10000 ms (last exit code null, signal SIGSEGV): primary exiting 1',
    ])
    expect(cluster.forked).toHaveLength(6) // no replacement for the last crash
  })

  it('prunes rapid crashes older than the window', async () => {
    const { cluster, proc, time } = await started()
    for (let i = 0; i < 4; i += 1) {
      time.advance(500)
      cluster.exit(cluster.forked.at(-1)!, 1)
    }
    time.advance(10_000) // the first four fall out of the window; this worker lived long
    cluster.exit(cluster.forked.at(-1)!, 1)
    for (let i = 0; i < 3; i += 1) {
      time.advance(500)
      cluster.exit(cluster.forked.at(-1)!, 1)
    }
    expect(proc.exits).toEqual([])
  })

  it('scales the window with the options', async () => {
    const { cluster, proc, time, lines } = await started({
      maxRapidRespawn: 2,
      minRespawnIntervalMs: 100,
    })
    time.advance(50)
    cluster.exit(cluster.forked.at(-1)!, 1)
    expect(lines('warn').at(-1)).toContain('rapid crashes 1/2 in 400 ms')
    time.advance(50)
    cluster.exit(cluster.forked.at(-1)!, 1)
    expect(proc.exits).toEqual([1])
  })

  it('never lets a healthy worker normal exit reset another worker crash count', async () => {
    const { cluster, proc, time } = await started({ workers: 2 })
    const healthy = cluster.forked[0]!
    for (let i = 0; i < 4; i += 1) {
      time.advance(200)
      cluster.exit(cluster.forked.at(-1)!, 1)
    }
    time.advance(200)
    cluster.exit(healthy, 0) // lived 1000 ms: a normal lifetime, not counted
    expect(proc.exits).toEqual([])
    cluster.exit(cluster.forked.at(-2)!, 1) // the crash-looping slot again, 200 ms old
    expect(proc.exits).toEqual([1])
  })
})

describe('MegaCluster with respawn disabled', () => {
  it('logs an exit without replacing, then exits 1 when the last exit was abnormal', async () => {
    const { megaCluster, cluster, proc, lines } = await started({ respawn: false })
    cluster.exit(cluster.forked[0]!, 0)
    expect(cluster.forked).toHaveLength(2)
    expect(megaCluster.workers).toHaveLength(1)
    expect(lines('warn')).toEqual([
      '[mega-cluster] worker 101 exited (code 0, signal null); respawn is off',
    ])
    expect(proc.exits).toEqual([])
    cluster.exit(cluster.forked[1]!, null, 'SIGKILL')
    expect(proc.exits).toEqual([1])
  })

  it('exits 0 when the last worker exited cleanly', async () => {
    const { cluster, proc } = await started({ respawn: false })
    cluster.exit(cluster.forked[0]!, 1)
    cluster.exit(cluster.forked[1]!, 0)
    expect(proc.exits).toEqual([0])
  })
})

describe('MegaCluster.rollingRestart', () => {
  const ready = (cluster: FakeCluster, worker: FakeWorker) => cluster.emit('listening', worker, {})

  it('replaces workers one at a time, never below size, and reports each', async () => {
    const { megaCluster, cluster } = await started({ workers: 2 })
    const [a, b] = cluster.forked as [FakeWorker, FakeWorker]
    const rollout = megaCluster.rollingRestart({ readyTimeoutMs: 1000 })
    await flush()
    const a2 = cluster.forked[2]!
    expect(cluster.forked).toHaveLength(3)
    expect(a.sent).toEqual([]) // old one untouched until the new one is ready
    ready(cluster, a2)
    await flush()
    expect(a.sent).toEqual([CLUSTER_SHUTDOWN_MESSAGE])
    expect(a.disconnects).toBe(0) // the worker drains its keep-alive connections itself
    expect(cluster.forked).toHaveLength(3) // next fork waits for the old worker's exit
    cluster.exit(a, 0)
    await flush()
    const b2 = cluster.forked[3]!
    expect(megaCluster.workers).toEqual([b, a2, b2])
    cluster.emit('message', b2, CLUSTER_READY_MESSAGE) // an explicit ready message also counts
    await flush()
    cluster.exit(b, 0)
    expect(await rollout).toEqual([
      { oldPid: 101, newPid: 103, status: 'replaced' },
      { oldPid: 102, newPid: 104, status: 'replaced' },
    ])
    expect(megaCluster.workers).toEqual([a2, b2])
    expect(cluster.forked).toHaveLength(4) // retired workers were not respawned
  })

  it('kills a new worker that is not ready in time, keeps the old one, and stops', async () => {
    const { megaCluster, cluster, time } = await started({ workers: 2 })
    const [a, b] = cluster.forked as [FakeWorker, FakeWorker]
    const rollout = megaCluster.rollingRestart({ readyTimeoutMs: 1000 })
    await flush()
    const a2 = cluster.forked[2]!
    time.advance(1000)
    expect(await rollout).toEqual([
      { oldPid: 101, newPid: 103, status: 'ready-timeout' },
      { oldPid: 102, status: 'skipped' },
    ])
    expect(a2.kills).toEqual(['SIGKILL'])
    expect(a.sent).toEqual([])
    expect(b.sent).toEqual([])
    cluster.exit(a2, null, 'SIGKILL')
    expect(megaCluster.workers).toEqual([a, b])
    expect(cluster.forked).toHaveLength(3) // the killed candidate is not respawned
  })

  it('reports a new worker that exits before it is ready', async () => {
    const { megaCluster, cluster } = await started({ workers: 1 })
    const rollout = megaCluster.rollingRestart()
    await flush()
    cluster.exit(cluster.forked[1]!, 1)
    expect(await rollout).toEqual([{ oldPid: 101, newPid: 102, status: 'exited-before-ready' }])
    expect(megaCluster.workers).toEqual([cluster.forked[0]])
    expect(cluster.forked).toHaveLength(2)
  })

  it('SIGKILLs an old worker that does not exit within the grace period', async () => {
    const { megaCluster, cluster, time } = await started({ workers: 1, gracePeriodMs: 3000 })
    const old = cluster.forked[0]!
    const rollout = megaCluster.rollingRestart()
    await flush()
    ready(cluster, cluster.forked[1]!)
    await flush()
    time.advance(3000)
    expect(old.kills).toEqual(['SIGKILL'])
    cluster.exit(old, null, 'SIGKILL')
    expect(await rollout).toEqual([{ oldPid: 101, newPid: 102, status: 'replaced' }])
  })

  it('skips a worker that already exited and was respawned', async () => {
    const { megaCluster, cluster, time } = await started({ workers: 2 })
    const [a, b] = cluster.forked as [FakeWorker, FakeWorker]
    time.advance(5000)
    const rollout = megaCluster.rollingRestart()
    await flush()
    cluster.exit(b, 1) // crashes while a is being replaced: respawned as 104
    ready(cluster, cluster.forked[2]!)
    await flush()
    cluster.exit(a, 0)
    const results = await rollout
    expect(results).toEqual([
      { oldPid: 101, newPid: 103, status: 'replaced' },
      { oldPid: 102, status: 'gone' },
    ])
  })

  it('retires the new worker when the one it replaces crashed and was respawned meanwhile', async () => {
    const { megaCluster, cluster, time } = await started({ workers: 1 })
    const old = cluster.forked[0]!
    time.advance(5000)
    const rollout = megaCluster.rollingRestart()
    await flush()
    const fresh = cluster.forked[1]!
    cluster.exit(old, 1) // respawned as 103
    ready(cluster, fresh)
    await flush()
    expect(fresh.sent).toEqual([CLUSTER_SHUTDOWN_MESSAGE])
    cluster.exit(fresh, 0)
    expect(await rollout).toEqual([{ oldPid: 101, newPid: 102, status: 'gone' }])
    expect(megaCluster.workers).toEqual([cluster.forked[2]])
  })

  it('refuses to run before start, twice at once, or during shutdown', async () => {
    await expect(setup().megaCluster.rollingRestart()).rejects.toBeInstanceOf(MegaError)
    const { megaCluster, proc } = await started()
    const first = megaCluster.rollingRestart()
    await expect(megaCluster.rollingRestart()).rejects.toMatchObject({
      code: 'MEGA_CLUSTER_INVALID_STATE',
    })
    proc.emit('SIGTERM')
    expect(await first).toEqual([
      { oldPid: 101, newPid: 103, status: 'skipped' },
      { oldPid: 102, status: 'skipped' },
    ])
    await expect(megaCluster.rollingRestart()).rejects.toMatchObject({
      code: 'MEGA_CLUSTER_INVALID_STATE',
    })
  })
})

describe('onClusterShutdown', () => {
  it('runs fn once on the shutdown message and ignores other messages', async () => {
    const proc = new Emitter() as Emitter & {
      removeListener(event: string, listener: Listener): void
    }
    proc.removeListener = (event, listener) =>
      void proc.listeners.set(
        event,
        (proc.listeners.get(event) ?? []).filter((l) => l !== listener),
      )
    let calls = 0
    onClusterShutdown(proc, () => (calls += 1))
    proc.emit('message', { type: 'other' })
    proc.emit('message', CLUSTER_SHUTDOWN_MESSAGE)
    proc.emit('message', CLUSTER_SHUTDOWN_MESSAGE)
    await flush()
    expect(calls).toBe(1)
    const dispose = onClusterShutdown(proc, () => (calls += 1))
    dispose()
    proc.emit('message', CLUSTER_SHUTDOWN_MESSAGE)
    await flush()
    expect(calls).toBe(1)
  })
})
