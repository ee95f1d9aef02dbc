import net from 'node:net'

/**
 * IP addresses and CIDR ranges as numbers, for `alerts.allowPrivateNetworks` (checked when the
 * config is parsed) and the webhooks' SSRF guard (which compares every resolved address).
 */

export interface IpAddress {
  family: 4 | 6
  value: bigint
}

export interface Cidr {
  family: 4 | 6
  base: bigint
  prefix: number
  text: string
}

const BITS = { 4: 32, 6: 128 } as const

function parseIpv4(text: string): bigint {
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n)
}

function parseIpv6(text: string): bigint {
  let head = text
  let embedded: bigint | undefined
  const lastColon = head.lastIndexOf(':')
  if (head.slice(lastColon + 1).includes('.')) {
    embedded = parseIpv4(head.slice(lastColon + 1))
    head = `${head.slice(0, lastColon + 1)}0:0`
  }
  const [left = '', right] = head.split('::')
  const leftGroups = left === '' ? [] : left.split(':')
  const rightGroups = right === undefined || right === '' ? [] : right.split(':')
  const missing = 8 - leftGroups.length - rightGroups.length
  const groups = [
    ...leftGroups,
    ...Array<string>(right === undefined ? 0 : missing).fill('0'),
    ...rightGroups,
  ]
  let value = groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n)
  if (embedded !== undefined) value = (value & ~0xffffffffn) | embedded
  return value
}

/** Parses a literal IPv4 or IPv6 address (brackets and a zone id allowed); undefined for anything else. */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')
  const family = net.isIP(bare)
  if (family === 4) return { family: 4, value: parseIpv4(bare) }
  if (family === 6) return { family: 6, value: parseIpv6(bare) }
  return undefined
}

/** `10.0.0.0/8`, `fd00::/8`, or a single address (a /32 or /128). Throws on anything else. */
export function parseCidr(text: string): Cidr {
  const [addressText = '', prefixText, ...rest] = text.trim().split('/')
  const address = parseIp(addressText)
  const prefix = prefixText === undefined ? undefined : Number(prefixText)
  if (!address || rest.length > 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefixText ?? ''))) {
    throw new Error(`"${text}" is not a CIDR such as 10.0.0.0/8 or fd00::/8`)
  }
  const bits = BITS[address.family]
  const length = prefix ?? bits
  if (length > bits) throw new Error(`"${text}": an IPv${address.family} prefix is at most /${bits}`)
  const mask = length === 0 ? 0n : ((1n << BigInt(length)) - 1n) << BigInt(bits - length)
  return { family: address.family, base: address.value & mask, prefix: length, text: text.trim() }
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false
  const bits = BITS[cidr.family]
  return ip.value >> BigInt(bits - cidr.prefix) === cidr.base >> BigInt(bits - cidr.prefix)
}
