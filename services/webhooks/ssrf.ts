import { lookup as dnsLookup } from 'node:dns/promises'
import type { LookupFunction } from 'node:net'
import { cidrContains, parseCidr, parseIp, type Cidr, type IpAddress } from '../../schemas/cidr.js'
import { WebhookConfigError } from './errors.js'

/**
 * The SSRF guard for webhook targets. A webhook URL comes from configuration, but a hostname can
 * point anywhere (and change between checks), so every attempt resolves the name itself, refuses
 * private, loopback, link-local, unique-local, multicast, unspecified and cloud-metadata addresses
 * (IPv4-mapped and other IPv4-embedding IPv6 forms included) unless an allow-listed CIDR covers
 * them, and then connects to exactly the address it checked.
 */

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.')
}

/** `alerts.allowPrivateNetworks`, parsed once at start; a bad entry stops the process naming it. */
export function parseAllowList(entries: readonly string[]): Cidr[] {
  return entries.map((entry, index) => {
    try {
      return parseCidr(entry)
    } catch (err) {
      throw new WebhookConfigError(`alerts.allowPrivateNetworks[${index}]: ${(err as Error).message}`)
    }
  })
}

const BLOCKED: ReadonlyArray<[string, string]> = [
  ['169.254.169.254/32', 'a cloud metadata address'],
  ['168.63.129.16/32', 'a cloud metadata address'],
  ['fd00:ec2::254/128', 'a cloud metadata address'],
  ['0.0.0.0/8', 'an unspecified ("this network") address'],
  ['10.0.0.0/8', 'a private address'],
  ['100.64.0.0/10', 'a shared (carrier-grade NAT) address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.0.0/16', 'a link-local address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.0.0.0/24', 'an IETF protocol address'],
  ['192.0.2.0/24', 'a documentation address'],
  ['192.168.0.0/16', 'a private address'],
  ['198.18.0.0/15', 'a benchmarking address'],
  ['198.51.100.0/24', 'a documentation address'],
  ['203.0.113.0/24', 'a documentation address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['240.0.0.0/4', 'a reserved or broadcast address'],
  ['::/128', 'an unspecified address'],
  ['::1/128', 'a loopback address'],
  ['100::/64', 'a discard-only address'],
  ['2001:db8::/32', 'a documentation address'],
  ['fc00::/7', 'a unique local (ULA) address'],
  ['fe80::/10', 'a link-local address'],
  ['fec0::/10', 'a site-local address'],
  ['ff00::/8', 'a multicast address'],
]
const BLOCKED_RANGES = BLOCKED.map(([cidr, label]) => ({ cidr: parseCidr(cidr), label }))

/** IPv6 forms that carry an IPv4 address a packet may end up at: mapped, compatible, NAT64, 6to4. */
const EMBEDDING: ReadonlyArray<[Cidr, (value: bigint) => bigint]> = [
  [parseCidr('::ffff:0:0/96'), (value) => value & 0xffffffffn],
  [parseCidr('::/96'), (value) => value & 0xffffffffn],
  [parseCidr('64:ff9b::/96'), (value) => value & 0xffffffffn],
  [parseCidr('64:ff9b:1::/48'), (value) => value & 0xffffffffn],
  [parseCidr('2002::/16'), (value) => (value >> 80n) & 0xffffffffn],
]

/** The IPv4 address an IPv6 address stands for, when it embeds one. */
export function embeddedIpv4(ip: IpAddress): IpAddress | undefined {
  if (ip.family !== 6 || ip.value <= 1n) return undefined
  for (const [range, extract] of EMBEDDING) {
    if (cidrContains(range, ip)) return { family: 4, value: extract(ip.value) }
  }
  return undefined
}

export type AddressVerdict =
  { allowed: true } | { allowed: false; address: string; label: string; mappedTo?: string }

/** Whether a webhook may connect to this address, given the allow-list. */
export function checkAddress(address: string, allowList: readonly Cidr[]): AddressVerdict {
  const ip = parseIp(address)
  if (!ip) return { allowed: false, address, label: 'not an IP address' }
  const forms = [ip, embeddedIpv4(ip)].filter((form): form is IpAddress => form !== undefined)
  if (forms.some((form) => allowList.some((cidr) => cidrContains(cidr, form)))) return { allowed: true }
  for (const form of forms) {
    const blocked = BLOCKED_RANGES.find((range) => cidrContains(range.cidr, form))
    if (blocked && form === ip) return { allowed: false, address, label: blocked.label }
    if (blocked) return { allowed: false, address, label: blocked.label, mappedTo: formatIpv4(form.value) }
  }
  return { allowed: true }
}

const ALLOW_HINT = 'add its network to alerts.allowPrivateNetworks if this webhook is meant to reach it'

function describeRefusal(host: string, verdict: Extract<AddressVerdict, { allowed: false }>): string {
  const mapped = verdict.mappedTo === undefined ? '' : ` (it maps to ${verdict.mappedTo})`
  const subject = host === verdict.address ? verdict.address : `${host} resolves to ${verdict.address}, which`
  return `${subject} is ${verdict.label}${mapped}; ${ALLOW_HINT}`
}

export interface ResolvedAddress {
  address: string
  family: 4 | 6
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>

export const systemResolver: Resolver = async (hostname) => {
  const addresses = await dnsLookup(hostname, { all: true, verbatim: true })
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }))
}

export type TargetCheck =
  | { kind: 'allowed'; address: string; family: 4 | 6; lookup: LookupFunction }
  | { kind: 'refused'; reason: string }

/** A `lookup` for node:http that answers with the checked address only (no second DNS query). */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }])
    else callback(null, address, family)
  }
}

/**
 * Resolves the URL's host and checks every address it has; one refused address refuses the
 * target (split answers are how rebinding attacks start). DNS errors propagate: they are transient.
 */
export async function checkTarget(
  url: URL,
  allowList: readonly Cidr[],
  resolve: Resolver = systemResolver,
): Promise<TargetCheck> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { kind: 'refused', reason: `scheme ${url.protocol} is not allowed; use http: or https:` }
  }
  return checkHost(url.hostname, allowList, resolve)
}

/**
 * The same check for a host outside an HTTP URL (a syslog receiver's `tcp://` or `tls://` host,
 * brackets of an IPv6 literal allowed).
 */
export async function checkHost(
  hostname: string,
  allowList: readonly Cidr[],
  resolve: Resolver = systemResolver,
): Promise<TargetCheck> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1')
  const literal = parseIp(host)
  const addresses: ResolvedAddress[] = literal
    ? [{ address: host, family: literal.family }]
    : await resolve(host)
  if (addresses.length === 0) return { kind: 'refused', reason: `${host} has no address` }
  for (const { address } of addresses) {
    const verdict = checkAddress(address, allowList)
    if (!verdict.allowed) return { kind: 'refused', reason: describeRefusal(host, verdict) }
  }
  const [first] = addresses as [ResolvedAddress, ...ResolvedAddress[]]
  return {
    kind: 'allowed',
    address: first.address,
    family: first.family,
    lookup: pinnedLookup(first.address, first.family),
  }
}
