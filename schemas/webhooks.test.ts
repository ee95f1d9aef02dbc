import { describe, expect, it } from 'vitest'
import { AppConfig } from './config.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

function webhook(overrides: Record<string, unknown>) {
  return { name: 'sec', url: 'https://hooks.example.com/in', format: 'standard', ...overrides }
}

/** Each problem as the start-up error prints it: the key, then what is wrong. */
function problems(alerts: unknown): string[] {
  const result = AppConfig.safeParse({ alerts })
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

describe('webhook configuration', () => {
  it('refuses webhooks that cannot work, naming the key', () => {
    expect(problems({ webhooks: [webhook({}), webhook({})] })).toEqual([
      'alerts.webhooks.1.name: "sec" is used twice; webhook names must be unique',
    ])
    expect(problems({ webhooks: [webhook({ format: 'pagerduty' })] })[0]).toMatch(
      /^alerts.webhooks.0.secret: .*routing/,
    )
    expect(problems({ webhooks: [webhook({ secret: 'whsec_short' })] })[0]).toMatch(
      /^alerts.webhooks.0.secret: .*whsec_/,
    )
    expect(
      problems({ webhooks: [webhook({ secret: `whsec_${Buffer.alloc(16).toString('base64')}` })] })[0],
    ).toMatch(/^alerts.webhooks.0.secret: .*24 to 64/)
    expect(problems({ webhooks: [webhook({ url: 'ftp://example.com/x' })] })).toEqual([
      'alerts.webhooks.0.url: must be an http or https URL',
    ])
    expect(
      problems({ webhooks: [webhook({ secret: SECRET }), webhook({ name: 'b', format: 'slack' })] }),
    ).toEqual([])
  })

  it('refuses an allow-list entry that is not a CIDR or an address, naming the entry', () => {
    expect(problems({ allowPrivateNetworks: ['10.0.0.0/8', '10.0.0.0/33'] })).toEqual([
      'alerts.allowPrivateNetworks.1: "10.0.0.0/33": an IPv4 prefix is at most /32',
    ])
    expect(problems({ allowPrivateNetworks: ['example.com/8'] })[0]).toMatch(
      /^alerts.allowPrivateNetworks.0: .*CIDR/,
    )
    expect(problems({ allowPrivateNetworks: ['127.0.0.0/8', 'fd00::/8', '10.1.2.3'] })).toEqual([])
  })
})
