import { describe, expect, it, vi } from 'vitest'
import { MegaError, type BusMessage } from '@mega/core'
import { disposeAfterTest, requireService, uniqueName } from '@mega/test-utils'
import { NatsBusAdapter, type NatsBusOptions, type NatsBusScope } from '../src/index.js'

const nats = await requireService('nats')
const url = nats.url ?? 'nats://127.0.0.1:4222'

async function open(
  options: NatsBusOptions = {},
  scope: NatsBusScope = {},
): Promise<NatsBusAdapter> {
  const bus = new NatsBusAdapter('bus', { url, ...options }, { app: 'shop', ...scope })
  await bus.connect()
  disposeAfterTest(() => bus.disconnect())
  return bus
}

/** Collects messages; `next(n)` resolves once n have arrived. */
function collector<T = unknown>() {
  const messages: BusMessage<T>[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  const handler = (message: BusMessage<T>): void => {
    messages.push(message)
    for (const w of waiters.filter((w) => messages.length >= w.n)) w.resolve()
  }
  const next = (n: number): Promise<BusMessage<T>[]> =>
    messages.length >= n
      ? Promise.resolve(messages)
      : new Promise((resolve) => waiters.push({ n, resolve: () => resolve(messages) }))
  return { messages, handler, next }
}

async function expectCode(run: () => Promise<unknown>, code: string): Promise<MegaError> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(MegaError.is(err) && err.code).toBe(code)
  return err as MegaError
}

describe.runIf(nats.available)('NatsBusAdapter on a real NATS server', () => {
  it('delivers what was published, as JSON, asynchronously, with the subject published', async () => {
    const bus = await open()
    const subject = `${uniqueName('bus')}.orders.created`
    const got = collector()
    await bus.subscribe(subject, got.handler)
    const data = { id: 1, tags: ['a'], at: new Date(0), nested: { ok: true, none: null } }
    await bus.publish(subject, data)
    expect(got.messages).toEqual([]) // not delivered inside publish
    await bus.publish(subject, undefined)
    await bus.publish(subject, 'text')
    expect(await got.next(3)).toEqual([
      { subject, data: JSON.parse(JSON.stringify(data)) as unknown },
      { subject, data: undefined },
      { subject, data: 'text' },
    ])
  })

  it('matches * for one token and > for the rest', async () => {
    const bus = await open()
    const base = uniqueName('wild')
    const one = collector()
    const rest = collector()
    await bus.subscribe(`${base}.*.created`, one.handler)
    await bus.subscribe(`${base}.>`, rest.handler)
    for (const s of ['orders.created', 'orders.updated', 'a.b.created', 'users.created'])
      await bus.publish(`${base}.${s}`, s)
    await rest.next(4)
    await bus.publish(`${base}.end.created`, 'end') // ordered on one connection: a fence for `one`
    const seen = (await one.next(3)).map((m) => m.subject)
    expect(seen).toEqual([`${base}.orders.created`, `${base}.users.created`, `${base}.end.created`])
    expect(rest.messages.slice(0, 4).map((m) => m.data)).toEqual([
      'orders.created',
      'orders.updated',
      'a.b.created',
      'users.created',
    ])
  })

  it('stops delivering after unsubscribe; unsubscribing twice is harmless', async () => {
    const bus = await open()
    const subject = uniqueName('unsub')
    const gone = collector()
    const fence = collector()
    const stop = await bus.subscribe(subject, gone.handler)
    await bus.subscribe(subject, fence.handler)
    await bus.publish(subject, 1)
    await gone.next(1)
    stop()
    stop()
    await bus.publish(subject, 2)
    await fence.next(2)
    expect(gone.messages.map((m) => m.data)).toEqual([1])
  })

  it('connects two adapters through the server: each sees what the other publishes', async () => {
    const [a, b] = [await open({ name: 'mega-test-a' }), await open({ name: 'mega-test-b' })]
    const subject = uniqueName('pair')
    const atA = collector()
    const atB = collector()
    await a.subscribe(`${subject}.*`, atA.handler)
    await b.subscribe(`${subject}.*`, atB.handler)
    await a.publish(`${subject}.from`, 'a')
    await b.publish(`${subject}.from`, 'b')
    expect((await atA.next(2)).map((m) => m.data).sort()).toEqual(['a', 'b'])
    expect((await atB.next(2)).map((m) => m.data).sort()).toEqual(['a', 'b'])
  })

  it('refuses invalid subjects, patterns and data with MEGA_ADAPTER_INVALID_INPUT', async () => {
    const bus = await open()
    for (const subject of ['orders.*', 'orders.>', '', 'a..b', 'with space'])
      await expectCode(() => bus.publish(subject, 1), 'MEGA_ADAPTER_INVALID_INPUT')
    for (const pattern of ['a.>.b', 'a.b*', '', '.a'])
      await expectCode(() => bus.subscribe(pattern, () => undefined), 'MEGA_ADAPTER_INVALID_INPUT')
    await expectCode(() => bus.publish('ok', 1n), 'MEGA_ADAPTER_INVALID_INPUT')
    const big = 'x'.repeat(bus.connection.info?.max_payload ?? 1_048_576)
    const err = await expectCode(() => bus.publish('ok', big), 'MEGA_ADAPTER_INVALID_INPUT')
    expect(err.message).toContain("over the server's max_payload")
  })

  it('reports a throwing or rejecting handler through onError; the publisher and others go on', async () => {
    const onError = vi.fn<(err: unknown, subject: string) => void>()
    const bus = await open({}, { onError })
    const subject = uniqueName('throws')
    const others = collector()
    await bus.subscribe(subject, () => {
      throw new Error('handler broke')
    })
    await bus.subscribe(subject, () => Promise.reject(new Error('async handler broke')))
    await bus.subscribe(subject, others.handler)
    await expect(bus.publish(subject, 1)).resolves.toBeUndefined()
    await bus.publish(subject, 2)
    expect((await others.next(2)).map((m) => m.data)).toEqual([1, 2])
    await vi.waitFor(() => expect(onError).toHaveBeenCalledTimes(4))
    expect(onError.mock.calls.map(([err, s]) => [(err as Error).message, s]).sort()).toEqual([
      ['async handler broke', subject],
      ['async handler broke', subject],
      ['handler broke', subject],
      ['handler broke', subject],
    ])
  })

  it('reports a payload that is not JSON (another client published it) and skips it', async () => {
    const onError = vi.fn()
    const bus = await open({}, { onError })
    const subject = uniqueName('raw')
    const got = collector()
    await bus.subscribe(subject, got.handler)
    bus.connection.publish(subject, 'not json')
    await bus.publish(subject, 'json')
    expect((await got.next(1)).map((m) => m.data)).toEqual(['json'])
    expect(onError).toHaveBeenCalledWith(expect.any(SyntaxError), subject)
  })

  it('reports health up with a round trip, down before connect and after disconnect', async () => {
    const bus = new NatsBusAdapter('bus', { url })
    disposeAfterTest(() => bus.disconnect())
    expect(await bus.health()).toEqual({ ok: false, error: 'bus (nats) is idle' })
    await bus.connect()
    expect(await bus.health()).toEqual({
      ok: true,
      latencyMs: expect.any(Number),
      server: expect.any(String),
    })
    await bus.disconnect()
    expect(await bus.health()).toEqual({ ok: false, error: 'bus (nats) is closed' })
  })

  it('drains on disconnect: what was published just before reaches another connection', async () => {
    const listener = await open()
    const subject = uniqueName('drain')
    const got = collector()
    await listener.subscribe(subject, got.handler)
    const bus = new NatsBusAdapter('bus', { url })
    await bus.connect()
    for (let i = 0; i < 200; i++) await bus.publish(subject, i)
    await Promise.all([bus.disconnect(), bus.disconnect()])
    await bus.disconnect()
    expect((await got.next(200)).map((m) => m.data)).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    )
    await expectCode(async () => bus.connection, 'MEGA_BUS_UNAVAILABLE')
  })

  it('refuses publish and subscribe before connect and after disconnect with MEGA_BUS_UNAVAILABLE', async () => {
    const bus = new NatsBusAdapter('bus', { url })
    const err = await expectCode(() => bus.publish('a', 1), 'MEGA_BUS_UNAVAILABLE')
    expect(err.statusCode).toBe(503)
    expect(err.message).toBe(
      'NATS adapter "bus" is idle: call connect() before you publish on "a".',
    )
    await bus.connect()
    await bus.disconnect()
    await expectCode(() => bus.subscribe('a', () => undefined), 'MEGA_BUS_UNAVAILABLE')
  })

  it('fails connect with MEGA_BUS_UNAVAILABLE naming the server, credentials masked', async () => {
    const bus = new NatsBusAdapter('bus', {
      url: 'nats://someone:secret@127.0.0.1:1',
      connectTimeoutMs: 1000,
    })
    const err = await expectCode(() => bus.connect(), 'MEGA_BUS_UNAVAILABLE')
    expect(err.message).toContain('nats://***@127.0.0.1:1')
    expect(err.message).not.toContain('secret')
    await bus.disconnect()
  })
})
