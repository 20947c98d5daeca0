import { BlockList, isIP, isIPv4 } from 'node:net'
import { z } from 'zod'

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
  if (entry in NAMED_RANGES) return undefined
  const [address = '', prefix, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0)
    return `"${entry}" is not an IP address, a CIDR range (10.0.0.0/8) or loopback/linklocal/uniquelocal`
  if (prefix === undefined) return undefined
  const max = family === 4 ? 32 : 128
  const bits = Number(prefix)
  if (!/^\d{1,3}$/.test(prefix) || bits > max)
    return `"${entry}" has a bad prefix length: use 0–${max} after the "/"`
  return undefined
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

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList()
  for (const entry of entries.flatMap((e) => NAMED_RANGES[e] ?? [e])) {
    const [address = '', prefix] = entry.split('/')
    const type = isIPv4(address) ? 'ipv4' : 'ipv6'
    if (prefix === undefined) list.addAddress(address, type)
    else list.addSubnet(address, Number(prefix), type)
  }
  return list
}

/**
 * A test of the socket's peer: `true` when it is a trusted proxy (so what it forwards, such as the
 * caller's `x-request-id`, may be kept). Mirrors Fastify: `true` trusts every peer, a hop count of 1
 * or more trusts the nearest one, addresses trust peers inside them.
 */
export function trustsPeer(trustProxy: TrustProxy): (address: string | undefined) => boolean {
  if (typeof trustProxy === 'boolean') return () => trustProxy
  if (typeof trustProxy === 'number') return () => trustProxy >= 1
  const list = blockListOf(entriesOf(trustProxy).filter((e) => e !== ''))
  return (address) => {
    if (address === undefined) return false
    const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
    if (isIPv4(v4)) return list.check(v4, 'ipv4')
    return isIP(address) === 6 && list.check(address, 'ipv6')
  }
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
