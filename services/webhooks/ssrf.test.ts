import { describe, expect, it } from 'vitest'
import { parseCidr, parseIp } from '../../schemas/cidr.js'
import { checkAddress, checkTarget, parseAllowList, type Resolver } from './ssrf.js'

const none = parseAllowList([])

function refused(address: string, allow = none): boolean {
  return !checkAddress(address, allow).allowed
}

describe('checkAddress', () => {
  it('refuses private, loopback, link-local, metadata, multicast and unspecified IPv4', () => {
    for (const address of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '127.8.9.10',
      '169.254.169.254',
      '169.254.1.1',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
    ]) {
      expect(refused(address), address).toBe(true)
    }
    expect(checkAddress('169.254.169.254', none)).toMatchObject({ label: 'a cloud metadata address' })
  })

  it('refuses loopback, link-local, unique-local, multicast and unspecified IPv6', () => {
    for (const address of [
      '::1',
      '::',
      'fe80::1',
      'fe80::1%eth0',
      'fd12:3456::1',
      'fc00::1',
      'ff02::1',
      'fd00:ec2::254',
    ]) {
      expect(refused(address), address).toBe(true)
    }
  })

  it('sees the IPv4 address inside mapped, compatible, NAT64 and 6to4 IPv6 forms', () => {
    expect(checkAddress('::ffff:127.0.0.1', none)).toMatchObject({ allowed: false, mappedTo: '127.0.0.1' })
    expect(checkAddress('::ffff:7f00:1', none)).toMatchObject({ allowed: false, mappedTo: '127.0.0.1' })
    expect(checkAddress('::ffff:a9fe:a9fe', none)).toMatchObject({
      allowed: false,
      mappedTo: '169.254.169.254',
    })
    expect(refused('::10.0.0.1')).toBe(true)
    expect(refused('64:ff9b::c0a8:101')).toBe(true)
    expect(refused('2002:0a00:0001::1')).toBe(true)
    expect(refused('::ffff:8.8.8.8')).toBe(false)
  })

  it('lets public addresses through', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '64:ff9b::808:808']) {
      expect(refused(address), address).toBe(false)
    }
  })

  it('allows what an allow-listed CIDR covers, and only that', () => {
    const allow = parseAllowList(['127.0.0.0/8', '10.20.0.0/16', 'fd00::/8'])
    expect(refused('127.0.0.1', allow)).toBe(false)
    expect(refused('::ffff:127.0.0.1', allow)).toBe(false)
    expect(refused('10.20.3.4', allow)).toBe(false)
    expect(refused('10.21.3.4', allow)).toBe(true)
    expect(refused('fd12::1', allow)).toBe(false)
    expect(refused('::1', allow)).toBe(true)
    expect(refused('169.254.169.254', allow)).toBe(true)
  })
})

describe('parsing', () => {
  it('parses CIDRs and single addresses; rejects the rest naming the allow-list entry', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ family: 4, prefix: 8 })
    expect(parseCidr('10.1.2.3')).toMatchObject({ family: 4, prefix: 32 })
    expect(parseCidr('fd00::/8')).toMatchObject({ family: 6, prefix: 8 })
    expect(() => parseAllowList(['10.0.0.0/8', '10.0.0.0/33'])).toThrow('alerts.allowPrivateNetworks[1]')
    expect(() => parseAllowList(['example.com/8'])).toThrow('alerts.allowPrivateNetworks[0]')
    expect(() => parseAllowList(['10.0.0.0/x'])).toThrow(/CIDR/)
  })

  it('reads IPv6 with embedded dotted quads and brackets', () => {
    expect(parseIp('[::ffff:1.2.3.4]')).toEqual({ family: 6, value: 0xffff01020304n })
    expect(parseIp('1:2:3:4:5:6:7:8')?.value).toBe(0x00010002000300040005000600070008n)
    expect(parseIp('example.com')).toBeUndefined()
  })
})

describe('checkTarget', () => {
  const resolveTo =
    (...addresses: string[]): Resolver =>
    (_host) =>
      Promise.resolve(
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const),
      )

  it('resolves the host itself and pins the connection to the checked address', async () => {
    const target = await checkTarget(new URL('https://hooks.example.com/x'), none, resolveTo('93.184.216.34'))
    expect(target).toMatchObject({ kind: 'allowed', address: '93.184.216.34', family: 4 })
    if (target.kind !== 'allowed') return
    const answers: unknown[] = []
    target.lookup('hooks.example.com', { all: true }, (_err, address) => answers.push(address))
    target.lookup('hooks.example.com', {}, (_err, address, family) => answers.push([address, family]))
    expect(answers).toEqual([[{ address: '93.184.216.34', family: 4 }], ['93.184.216.34', 4]])
  })

  it('refuses a name with any private answer (DNS rebinding, split answers), saying what to do', async () => {
    const target = await checkTarget(
      new URL('https://rebind.example.com/x'),
      none,
      resolveTo('93.184.216.34', '127.0.0.1'),
    )
    expect(target.kind).toBe('refused')
    if (target.kind === 'refused') {
      expect(target.reason).toContain('rebind.example.com resolves to 127.0.0.1, which is a loopback address')
      expect(target.reason).toContain('alerts.allowPrivateNetworks')
    }
  })

  it('checks literal addresses without DNS, brackets included', async () => {
    const noDns: Resolver = () => Promise.reject(new Error('no DNS for literals'))
    expect((await checkTarget(new URL('http://[::1]:8080/'), none, noDns)).kind).toBe('refused')
    expect((await checkTarget(new URL('http://[::ffff:127.0.0.1]/'), none, noDns)).kind).toBe('refused')
    expect((await checkTarget(new URL('http://0x7f.1/'), none, noDns)).kind).toBe('refused')
    const allowed = await checkTarget(new URL('http://127.0.0.1:9/'), parseAllowList(['127.0.0.0/8']), noDns)
    expect(allowed.kind).toBe('allowed')
  })

  it('refuses schemes other than http and https', async () => {
    expect(await checkTarget(new URL('file:///etc/passwd'), none)).toMatchObject({ kind: 'refused' })
  })
})
