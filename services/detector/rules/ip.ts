import { isIPv4, isIPv6 } from 'node:net'

/** An address as a number; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as IPv4. */
export interface IpAddress {
  version: 4 | 6
  value: bigint
}

export interface Network {
  version: 4 | 6
  prefix: number
  /** The address with host bits cleared. */
  base: bigint
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n)
}

function ipv6Value(text: string): { value: bigint; mappedV4?: bigint } {
  let head = text
  let v4Tail: bigint | undefined
  const lastColon = text.lastIndexOf(':')
  if (text.includes('.')) {
    v4Tail = ipv4Value(text.slice(lastColon + 1))
    head = `${text.slice(0, lastColon + 1)}0:0`
  }
  const [left = '', right = ''] = head.split('::')
  const leftGroups = left === '' ? [] : left.split(':')
  const rightGroups = head.includes('::') ? (right === '' ? [] : right.split(':')) : []
  const missing = 8 - leftGroups.length - rightGroups.length
  const groups = [
    ...leftGroups,
    ...Array<string>(head.includes('::') ? missing : 0).fill('0'),
    ...rightGroups,
  ]
  let value = groups.reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n)
  if (v4Tail !== undefined) value = (value & ~0xffffffffn) | v4Tail
  const mapped = value >> 32n === 0xffffn ? value & 0xffffffffn : undefined
  return mapped === undefined ? { value } : { value, mappedV4: mapped }
}

/**
 * Reads an address as gateways log it: bare, in brackets, with a zone (`fe80::1%eth0`) or an IPv4
 * port (`10.1.2.3:5443`). Anything else, such as a hashed `[IP_ADDRESS:…]` placeholder, is null.
 */
export function parseIp(input: string): IpAddress | null {
  let text = input.trim()
  if (text.startsWith('[')) text = text.slice(1, text.indexOf(']') > 0 ? text.indexOf(']') : undefined)
  const zone = text.indexOf('%')
  if (zone > 0) text = text.slice(0, zone)
  if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.indexOf(':'))
  if (isIPv4(text)) return { version: 4, value: ipv4Value(text) }
  if (isIPv6(text)) {
    const { value, mappedV4 } = ipv6Value(text.toLowerCase())
    return mappedV4 === undefined ? { version: 6, value } : { version: 4, value: mappedV4 }
  }
  return null
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128). */
export function parseCidr(text: string): Network | { error: string } {
  const slash = text.indexOf('/')
  const address = parseIp(slash < 0 ? text : text.slice(0, slash))
  if (!address)
    return { error: `${text} is not an IPv4 or IPv6 network (write it like 10.0.0.0/8 or 2001:db8::/32)` }
  const bits = address.version === 4 ? 32 : 128
  const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1)
  const prefix = Number(prefixText)
  if (!/^\d{1,3}$/.test(prefixText) || prefix > bits) {
    return { error: `${text}: the prefix length must be 0–${bits}` }
  }
  const hostBits = BigInt(bits - prefix)
  return { version: address.version, prefix, base: (address.value >> hostBits) << hostBits }
}

export function inNetwork(address: IpAddress, network: Network): boolean {
  if (address.version !== network.version) return false
  const hostBits = BigInt((network.version === 4 ? 32 : 128) - network.prefix)
  return (address.value >> hostBits) << hostBits === network.base
}
