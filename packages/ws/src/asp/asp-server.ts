import type { CacheAdapter } from '@mega/core'
import type { AspConfig, NormalizedAspConfig } from './asp-config.js'
import { createAspCodec, type AspCodec } from './asp-codec.js'
import {
  MegaAspNonceCache,
  MegaCacheNonceStore,
  MegaMemoryNonceStore,
  type AspNonceStore,
} from './asp-nonce-cache.js'

/** The server's ASP codec: its keys, and nonces remembered in memory, a cache adapter or a store. */
export function aspServerCodec(
  config: AspConfig,
  asp: NormalizedAspConfig,
  cacheAdapter: (alias: string) => CacheAdapter,
): AspCodec {
  const option = asp.nonceStore
  const clock = config.now === undefined ? {} : { now: config.now }
  const store: AspNonceStore =
    option === 'memory'
      ? new MegaMemoryNonceStore(clock)
      : 'cache' in option && typeof option.cache === 'string'
        ? new MegaCacheNonceStore(cacheAdapter(option.cache))
        : (option as AspNonceStore)
  return createAspCodec({
    ...(config.key === undefined ? {} : { key: config.key }),
    ...(config.keys === undefined ? {} : { keys: config.keys }),
    keyId: asp.keyId,
    role: 'server',
    ...clock,
    nonceCache: new MegaAspNonceCache(store),
  })
}
