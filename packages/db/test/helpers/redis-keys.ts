import { afterAll, beforeAll } from 'vitest'
import { Redis } from 'ioredis'
import { uniqueName } from '@mega/test-utils'

/**
 * For a Redis suite (call it inside the `describe`): a key prefix of its own, a raw client to look at
 * the keys with, and every key under the prefix deleted (and the client closed) after the suite.
 */
export function useRedisKeys(url: string, prefix: string): { keyPrefix: string; raw: () => Redis } {
  const keyPrefix = uniqueName(prefix)
  let client: Redis | undefined
  beforeAll(() => {
    client = new Redis(url)
  })
  afterAll(async () => {
    if (client === undefined) return
    const keys = await client.keys(`${keyPrefix}:*`)
    if (keys.length > 0) await client.del(...keys)
    await client.quit()
  })
  return { keyPrefix, raw: () => client! }
}
