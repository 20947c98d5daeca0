import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  requireService,
  startServer,
  uniqueName,
  userShellEnv,
  type ServerProcess,
} from '@mega/test-utils'
import { ask, connect, joinBoard, type TestClient } from './helpers/ws-harness.js'

const redis = await requireService('redis')
const nats = await requireService('nats')
const fixture = fileURLToPath(new URL('./fixtures/cluster-node.mjs', import.meta.url))
const cwd = fileURLToPath(new URL('..', import.meta.url))

const started: ServerProcess[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()))
})

function node(app: string): Promise<ServerProcess> {
  const env = userShellEnv({
    CLUSTER_APP: app,
    REDIS_URL: redis.url ?? 'redis://127.0.0.1:6379',
    NATS_URL: nats.url ?? 'nats://127.0.0.1:4222',
  })
  return startServer(process.execPath, [fixture], { cwd, env }).then((p) => (started.push(p), p))
}

const who = (client: TestClient): Promise<unknown> => ask(client, 'who')

// Two real processes (the built packages) sharing the Redis and NATS servers.
describe.runIf(redis.available && nats.available)('two processes over Redis and NATS', () => {
  it('lists members of both, reaches a user on the other process, and forgets a SIGKILLed one within the roster TTL', async () => {
    const app = uniqueName('wscluster')
    const [a, b, c] = await Promise.all([node(app), node(app), node(app)])
    const ann = await joinBoard(a.url.replace(/^http/, 'ws'), 'ann')
    const bob = await joinBoard(b.url.replace(/^http/, 'ws'), 'bob')
    const cid = await joinBoard(c.url.replace(/^http/, 'ws'), 'cid')
    await vi.waitFor(async () => expect(await who(ann)).toEqual(['ann', 'bob', 'cid']), {
      timeout: 5000,
    })

    ann.send({ type: 'dm', id: 'd', data: { to: 'bob', text: 'hi' } })
    for (;;) {
      const m = await bob.next()
      if (m.type !== 'dm') continue
      expect(m).toMatchObject({ data: { from: 'ann', text: 'hi' } })
      break
    }

    // SIGKILL: no goodbye, no roster delete; its entry expires (rosterTtlMs 1500)
    const killedAt = Date.now()
    await c.kill('SIGKILL')
    await cid.closed
    await vi.waitFor(async () => expect(await who(ann)).toEqual(['ann', 'bob']), {
      timeout: 5000,
      interval: 100,
    })
    expect(Date.now() - killedAt).toBeLessThan(1500 + 1500) // the TTL, plus one listing round trip

    // a clean stop: gone from every listing at once
    await b.stop()
    expect((await bob.closed).code).toBe(4503)
    expect(await who(ann)).toEqual(['ann'])
  })

  it('resumes on another process from the history they share in Redis, the offsets coming over NATS', async () => {
    const app = uniqueName('wshistory')
    const [a, b] = await Promise.all([node(app), node(app)])
    const post = (p: ServerProcess, n: number) => fetch(`${p.url}/post/${n}`, { method: 'POST' })
    const onA = await connect(`${a.url.replace(/^http/, 'ws')}/feed`)
    const onB = await connect(`${b.url.replace(/^http/, 'ws')}/feed`)
    const epoch = ((await onA.next()).data as { epoch: string }).epoch
    expect(await onB.next()).toMatchObject({ type: 'mega.position', data: { epoch } })
    await post(a, 1)
    // one offset everywhere: B got A's message with the offset A appended it under
    expect(await onA.next()).toMatchObject({ data: 1, offset: 1, epoch })
    expect(await onB.next()).toMatchObject({ data: 1, offset: 1, epoch })
    onA.socket.terminate()
    await onA.closed
    await post(a, 2)
    await post(b, 3)
    const moved = await connect(`${b.url.replace(/^http/, 'ws')}/feed`)
    moved.send({ type: 'mega.resume', id: 'r', data: { epoch, offset: 1 } })
    const seen = []
    for (;;) {
      const m = await moved.next()
      seen.push(m)
      if (m.replyTo === 'r') break
    }
    expect(seen.filter((m) => m.type === 'item').map((m) => [m.data, m.offset])).toEqual([
      [2, 2],
      [3, 3],
    ])
    expect(seen.at(-1)).toMatchObject({ data: { resumed: true, offset: 3, replayed: 2 } })
  })
})
