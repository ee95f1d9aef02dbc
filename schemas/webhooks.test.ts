import { describe, expect, it } from 'vitest'
import { AppConfig } from './config.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

function webhook(overrides: Record<string, unknown>) {
  return { name: 'sec', url: 'https://hooks.example.com/in', format: 'standard', ...overrides }
}

/** Each problem as the start-up error prints it: the key, then what is wrong. */
function issuesOf(config: Record<string, unknown>): string[] {
  const result = AppConfig.safeParse(config)
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

function problems(alerts: unknown): string[] {
  return issuesOf({ alerts })
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

  it('refuses a webhook without tenants in a configuration of several tenants, naming the key', () => {
    const tenants = [{ id: 'acme' }, { id: 'globex' }]
    const [problem, ...more] = issuesOf({
      tenants,
      alerts: { webhooks: [webhook({ tenants: ['acme'] }), webhook({ name: 'ops' })] },
    })
    expect(more).toEqual([])
    expect(problem).toMatch(
      /^alerts\.webhooks\.1\.tenants: this configuration has 2 tenants: list the tenants/,
    )
    expect(problem).toContain('"*" for every tenant')
    expect(issuesOf({ tenants, alerts: { webhooks: [webhook({ tenants: ['acme', 'initech'] })] } })).toEqual([
      'alerts.webhooks.0.tenants.1: unknown tenant "initech"',
    ])
    expect(issuesOf({ tenants, alerts: { webhooks: [webhook({ tenants: [] })] } })[0]).toMatch(
      /^alerts\.webhooks\.0\.tenants: list at least one tenant/,
    )
    expect(
      issuesOf({
        tenants,
        alerts: { webhooks: [webhook({ tenants: ['acme'] }), webhook({ name: 'soc', tenants: ['*'] })] },
      }),
    ).toEqual([])
    // One tenant: a webhook without tenants receives that tenant's alerts.
    expect(issuesOf({ tenants: [{ id: 'acme' }], alerts: { webhooks: [webhook({})] } })).toEqual([])
  })

  it("refuses a report delivered to a webhook that does not receive the report's tenant", () => {
    expect(
      issuesOf({
        tenants: [{ id: 'acme' }, { id: 'globex' }],
        alerts: { webhooks: [webhook({ tenants: ['acme'] })] },
        reports: [{ name: 'weekly', tenant: 'globex', schedule: '0 6 * * 1', deliver: ['sec'] }],
      }),
    ).toEqual([
      'reports.0.deliver.0: webhook "sec" does not receive tenant "globex"; add the tenant to alerts.webhooks.0.tenants or deliver elsewhere',
    ])
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
