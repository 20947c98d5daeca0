import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MegaError } from '@mega/core'
import {
  ASP_RULES,
  DEFAULT_TTL_SEC,
  MegaAspDecryptError,
  MegaAspNonceCache,
  MegaMemoryNonceStore,
  NONCE_KEY_PREFIX,
  SWEEP_EVERY_OPS,
  createAspCodec,
  normalizeAspConfig,
  type AspNonceStore,
} from '../src/index.js'

const key = randomBytes(32).toString('base64')
const other = randomBytes(32).toString('hex')

async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (err) {
    expect(err).toBeInstanceOf(MegaAspDecryptError)
    expect(MegaError.is(err, 'MEGA_WS_ASP_DECRYPT_FAILED')).toBe(true)
    return (err as MegaAspDecryptError).reason
  }
  return undefined
}

/** Changes one base64url character of a frame's field, keeping the frame well-formed. */
function flip(frame: string, field: 'ct' | 'tag' | 'n'): string {
  const f = JSON.parse(frame) as Record<string, string>
  const value = f[field] ?? ''
  f[field] = (value[0] === 'A' ? 'B' : 'A') + value.slice(1)
  return JSON.stringify(f)
}

describe('createAspCodec', () => {
  it('seals on one end and opens on the other, both ways, with the fields of the wire format', async () => {
    const client = createAspCodec({ key })
    const server = createAspCodec({ key, role: 'server' })
    const frame = client.seal('{"type":"hi"}')
    const parsed = JSON.parse(frame) as Record<string, unknown>
    expect(Object.keys(parsed)).toEqual(['v', 'kid', 'ts', 'n', 'ct', 'tag'])
    expect(parsed).toMatchObject({ v: 1, kid: 'k1' })
    expect(Buffer.from(parsed.n as string, 'base64url')).toHaveLength(12)
    expect(Buffer.from(parsed.tag as string, 'base64url')).toHaveLength(16)
    expect(frame).not.toContain('"type"') // a plaintext fragment base64url cannot hold
    expect(await server.open(frame)).toBe('{"type":"hi"}')
    expect(await client.open(server.seal('{"type":"ho"}'))).toBe('{"type":"ho"}')
  })

  it('refuses a frame reflected back to the end that sealed it (the direction is authenticated)', async () => {
    const client = createAspCodec({ key })
    const otherClient = createAspCodec({ key })
    expect(await refusal(otherClient.open(client.seal('x')))).toBe('tampered')
  })

  it('refuses tampered ciphertext, tag or nonce, and a wrong key', async () => {
    const client = createAspCodec({ key })
    const server = createAspCodec({ key, role: 'server' })
    const frame = client.seal('{"type":"hi","data":"some text"}')
    expect(await refusal(server.open(flip(frame, 'ct')))).toBe('tampered')
    expect(await refusal(server.open(flip(frame, 'tag')))).toBe('tampered')
    expect(await refusal(server.open(flip(frame, 'n')))).toBe('tampered')
    const wrong = createAspCodec({ key: other, role: 'server' })
    expect(await refusal(wrong.open(frame))).toBe('tampered')
    // the untouched frame still opens: the failures above remembered no nonce
    expect(await server.open(frame)).toContain('some text')
  })

  it('refuses an authenticated timestamp that was changed', async () => {
    const frame = JSON.parse(createAspCodec({ key }).seal('x')) as { ts: number }
    frame.ts -= 1
    const server = createAspCodec({ key, role: 'server' })
    expect(await refusal(server.open(JSON.stringify(frame)))).toBe('tampered')
  })

  it('refuses a replayed frame', async () => {
    const server = createAspCodec({ key, role: 'server' })
    const frame = createAspCodec({ key }).seal('once')
    expect(await server.open(frame)).toBe('once')
    expect(await refusal(server.open(frame))).toBe('replayed')
  })

  it('accepts a timestamp up to 60 s from its clock and refuses one 61 s away, either side', async () => {
    const t = 1_800_000_000_000
    const server = createAspCodec({ key, role: 'server', now: () => t })
    const at = (ms: number) => createAspCodec({ key, now: () => t + ms }).seal('x')
    expect(await server.open(at(-59_000))).toBe('x')
    expect(await server.open(at(59_000))).toBe('x')
    expect(await server.open(at(60_000))).toBe('x')
    expect(await refusal(server.open(at(-61_000)))).toBe('stale')
    expect(await refusal(server.open(at(61_000)))).toBe('stale')
  })

  it('opens frames of every configured key and seals with keyId (rotation)', async () => {
    const oldClient = createAspCodec({ keys: { k1: key } })
    const server = createAspCodec({ keys: { k1: key, k2: other }, keyId: 'k2', role: 'server' })
    expect(await server.open(oldClient.seal('old'))).toBe('old')
    const sealed = server.seal('new')
    expect(JSON.parse(sealed)).toMatchObject({ kid: 'k2' })
    expect(await refusal(oldClient.open(sealed))).toBe('unknown-key')
    expect(await createAspCodec({ keys: { k2: other } }).open(sealed)).toBe('new')
  })

  it.each([
    ['not json', 'malformed'],
    ['[1]', 'malformed'],
    ['{"v":2,"kid":"k1","ts":1,"n":"","ct":"","tag":""}', 'malformed'],
    ['{"v":1,"kid":"k1","ts":1,"n":"AAAA","ct":"","tag":"AAAAAAAAAAAAAAAAAAAAAA"}', 'malformed'],
    ['{"type":"plain.envelope"}', 'malformed'],
  ])('refuses %s as %s', async (frame, reason) => {
    expect(await refusal(createAspCodec({ key, role: 'server' }).open(frame))).toBe(reason)
  })
})

describe('normalizeAspConfig', () => {
  it('decodes hex and base64 keys, naming the only key as the one to seal with', () => {
    const url = randomBytes(32).toString('base64url')
    expect(normalizeAspConfig({ keys: { a: url } }).keyId).toBe('a')
    const config = normalizeAspConfig({ key: other })
    expect(config.keyId).toBe('k1')
    expect(config.keys.get('k1')?.toString('hex')).toBe(other)
    expect(config.nonceStore).toBe('memory')
  })

  it.each([
    [{ key: 'short' }, 'encryption.key: a key is 32 bytes'],
    [{ key: randomBytes(31).toString('base64') }, 'encryption.key: a key is 32 bytes'],
    [{}, 'encryption: give either key or keys'],
    [{ key, keys: { k1: key } }, 'encryption: give either key or keys'],
    [{ keys: {} }, 'encryption.keys: give at least one key'],
    [{ keys: { 'bad id': key } }, 'encryption.keys'],
    [{ keys: { a: key, b: other } }, 'encryption.keyId: "k1" is not one of the keys'],
    [{ key, nonceStore: 'redis' }, 'encryption.nonceStore'],
    [{ key, clockMs: 1 }, 'encryption: Unrecognized key'],
  ])('refuses %j with MEGA_WS_OPTIONS_INVALID naming the field', (config, message) => {
    let error: unknown
    try {
      normalizeAspConfig(config as never)
    } catch (err) {
      error = err
    }
    expect(MegaError.is(error, 'MEGA_WS_OPTIONS_INVALID')).toBe(true)
    expect((error as Error).message).toContain(message)
    expect((error as Error).message).not.toContain(key)
  })
})

describe('MegaMemoryNonceStore', () => {
  it('refuses a key while its expiry is after now, and takes it again when expiry equals now', () => {
    let now = 1000
    const store = new MegaMemoryNonceStore({ now: () => now })
    expect(store.setIfNotExists('a', 2)).toBe(true)
    now = 2999
    expect(store.setIfNotExists('a', 2)).toBe(false)
    now = 3000 // expiry 1000 + 2000 == now: expired
    expect(store.setIfNotExists('a', 2)).toBe(true)
    now = 4999
    expect(store.setIfNotExists('a', 2)).toBe(false)
  })

  it('sweeps expired entries on the 500th insert, not before', () => {
    let now = 0
    const store = new MegaMemoryNonceStore({ now: () => now })
    for (let i = 0; i < 10; i++) store.setIfNotExists(`old${i}`, 1)
    now = 1000 // the ten have expired (expiry == now)
    for (let i = 0; i < SWEEP_EVERY_OPS - 11; i++) store.setIfNotExists(`new${i}`, 60)
    expect(store.size).toBe(SWEEP_EVERY_OPS - 1) // 499 inserts: no sweep yet
    store.setIfNotExists('the500th', 60)
    expect(store.size).toBe(SWEEP_EVERY_OPS - 10) // the ten expired ones are gone
    expect(SWEEP_EVERY_OPS).toBe(ASP_RULES.sweepEveryOps)
  })
})

describe('MegaAspNonceCache', () => {
  it('asks the store for asp:nonce:<kid>:<nonce> with the 120 s TTL', async () => {
    const calls: [string, number][] = []
    const store: AspNonceStore = {
      setIfNotExists: (k, ttl) => (calls.push([k, ttl]), calls.length === 1),
    }
    const cache = new MegaAspNonceCache(store)
    expect(await cache.remember('k1', 'abc')).toBe(true)
    expect(await cache.remember('k1', 'abc')).toBe(false)
    expect(calls[0]).toEqual([`${NONCE_KEY_PREFIX}k1:abc`, DEFAULT_TTL_SEC])
    expect([NONCE_KEY_PREFIX, DEFAULT_TTL_SEC]).toEqual(['asp:nonce:', 120])
  })
})
