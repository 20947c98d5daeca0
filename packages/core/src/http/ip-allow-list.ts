import { BlockList, isIP } from 'node:net'
import { z } from 'zod'

/** Loopback, private (RFC 1918, IPv6 unique local) and link-local networks. */
export const PRIVATE_NETWORKS = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
] as const

interface Range {
  readonly address: string
  readonly prefix: number
  readonly type: 'ipv4' | 'ipv6'
}

/** `a.b.c.d/n`, `x::y/n`, or one address (a /32 or /128); `undefined` when it is neither. */
export function parseIpRange(text: string): Range | undefined {
  const [address = '', prefixText, ...rest] = text.trim().split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) return undefined
  const bits = version === 4 ? 32 : 128
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined
  const prefix = prefixText === undefined ? bits : Number(prefixText)
  if (prefix > bits) return undefined
  return { address, prefix, type: version === 4 ? 'ipv4' : 'ipv6' }
}

/** A zod schema of one allow-list entry: an IP address or a CIDR range. */
export const ipRangeSchema = z
  .string()
  .refine(
    (text) => parseIpRange(text) !== undefined,
    'must be an IP address or a CIDR range such as "10.0.0.0/8" or "fd00::/8"',
  )

// `::ffff:10.1.2.3` (an IPv4 client on a dual-stack socket) is checked as 10.1.2.3.
function normalise(ip: string): { address: string; type: 'ipv4' | 'ipv6' } | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  const address = mapped?.[1] ?? ip
  const version = isIP(address)
  if (version === 0) return undefined
  return { address, type: version === 4 ? 'ipv4' : 'ipv6' }
}

/** A set of IP ranges (addresses and CIDRs, checked when built) over Node's `net.BlockList`. */
export class IpAllowList {
  readonly #list = new BlockList()
  readonly ranges: readonly string[]

  /** Throws a `TypeError` naming an entry that is not an address or a CIDR range. */
  constructor(ranges: readonly string[]) {
    this.ranges = Object.freeze([...ranges])
    for (const text of ranges) {
      const range = parseIpRange(text)
      if (range === undefined) throw new TypeError(`"${text}" is not an IP address or CIDR range.`)
      this.#list.addSubnet(range.address, range.prefix, range.type)
    }
  }

  /** `true` when `ip` (IPv4, IPv6 or IPv4-mapped IPv6) is in one of the ranges. */
  has(ip: string | undefined): boolean {
    const parsed = ip === undefined ? undefined : normalise(ip)
    return parsed !== undefined && this.#list.check(parsed.address, parsed.type)
  }
}
