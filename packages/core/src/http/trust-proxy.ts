import { isIP } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { IpAllowList, parseIpRange } from './ip-allow-list.js'

/**
 * Which proxies to trust for `X-Forwarded-*` (and for the incoming `x-request-id`), as Fastify's
 * `trustProxy` takes it: `true` (every hop), `false` (none), a hop count (the nearest `n` hops), or
 * addresses: one IP or CIDR (`'10.0.0.0/8'`), a comma-separated string of them, or a list. The names
 * `loopback`, `linklocal` and `uniquelocal` stand for their ranges.
 */
export type TrustProxy = boolean | number | string | readonly string[]

// The named ranges of @fastify/proxy-addr (what Fastify compiles `trustProxy` with).
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

/** Why an address entry is not usable, or `undefined` when it is. */
function entryProblem(entry: string): string | undefined {
  if (Object.hasOwn(NAMED_RANGES, entry) || parseIpRange(entry) !== undefined) return undefined
  const [address = '', , ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0)
    return `"${entry}" is not an IP address, a CIDR range (10.0.0.0/8) or loopback/linklocal/uniquelocal`
  return `"${entry}" has a bad prefix length: use 0–${family === 4 ? 32 : 128} after the "/"`
}

function entriesOf(value: string | readonly string[]): string[] {
  const list = typeof value === 'string' ? value.split(',') : value
  return list.map((e) => e.trim())
}

const addresses = z
  .union([z.string(), z.array(z.string()).readonly()])
  .superRefine((value, ctx) => {
    const entries = entriesOf(value).filter((e) => e !== '')
    if (entries.length === 0)
      ctx.addIssue({ code: 'custom', message: 'name at least one proxy address or range' })
    for (const entry of entries) {
      const problem = entryProblem(entry)
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem })
    }
  })

/** The zod schema of {@link TrustProxy}, shared by the config file and the server options. */
export const trustProxySchema: z.ZodType<TrustProxy> = z.union(
  [
    z.boolean(),
    z.number().int('use a whole number of hops').min(0, 'use 0 or more hops'),
    addresses,
  ],
  {
    error: 'use true, false, a hop count, or proxy addresses (IP, CIDR, or a list of them)',
  },
)

/**
 * A test of the socket's peer: `true` when it is a trusted proxy (so what it forwards, such as the
 * caller's `x-request-id`, may be kept). Mirrors Fastify: `true` trusts every peer, a hop count of 1
 * or more trusts the nearest one, addresses trust peers inside them.
 */
export function trustsPeer(trustProxy: TrustProxy): (address: string | undefined) => boolean {
  if (typeof trustProxy === 'boolean') return () => trustProxy
  if (typeof trustProxy === 'number') return () => trustProxy >= 1
  const list = new IpAllowList(
    entriesOf(trustProxy)
      .filter((e) => e !== '')
      .flatMap((e) => (Object.hasOwn(NAMED_RANGES, e) ? NAMED_RANGES[e]! : [e])),
  )
  return (address) => list.has(address)
}

/**
 * The value Fastify takes: a comma-separated string becomes the list it stands for, and a hop count
 * the function Fastify itself makes of one (its types leave numbers out).
 */
export function fastifyTrustProxy(
  trustProxy: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy === 'boolean') return trustProxy
  if (typeof trustProxy === 'number') return (_address, hop) => hop < trustProxy
  return entriesOf(trustProxy).filter((e) => e !== '')
}

/** Where `createFastify` records the server's `trustProxy` (Fastify keeps it out of `initialConfig`). */
const TRUST_PROXY = Symbol.for('mega.trustProxy')

/** @internal `createFastify` records the setting, so plugins can read it back. */
export function rememberTrustProxy(fastify: FastifyInstance, trustProxy: TrustProxy): void {
  fastify.decorate<TrustProxy>(TRUST_PROXY, trustProxy)
}

/**
 * The `trustProxy` a Mega server was made with (child instances see their root's), or `undefined`
 * for a Fastify instance `createFastify` did not make.
 */
export function trustProxyOf(fastify: FastifyInstance): TrustProxy | undefined {
  return (fastify as unknown as Record<symbol, TrustProxy | undefined>)[TRUST_PROXY]
}
