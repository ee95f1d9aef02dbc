import { describe, expect, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { DEFAULT_ROLES } from '../../schemas/rbac.js'
import { withDemoSettings, type DemoTarget } from './demo.js'

const target: DemoTarget = { tenantId: 'default', timezone: 'Europe/Berlin', ingestToken: 'mcpa_dev_x' }

function config(tenant: Record<string, unknown>): AppConfig {
  return AppConfig.parse({
    tenants: [{ id: 'default', timezone: 'Europe/Berlin', ...tenant }, { id: 'other' }],
  })
}

describe('demo settings', () => {
  it("maps the simulated gateways' roles and allows the region the simulated servers run in", () => {
    const demo = withDemoSettings(config({}), target, Date.UTC(2026, 11, 3))
    const [tenant, other] = demo.tenants
    expect(tenant?.rbac.roles).toMatchObject({
      developer: expect.any(Array),
      'data-analyst': ['read', 'execute'],
    })
    expect(tenant?.residency).toMatchObject({
      allowedRegions: ['eu-central-1'],
      serverRegions: { '*': 'eu-central-1' },
    })
    // Only the demo's tenant is given the simulated company's policies.
    expect(other?.rbac.roles).toEqual(DEFAULT_ROLES)
    expect(other?.residency).toBeUndefined()
  })

  it("keeps the tenant's own roles and residency policy", () => {
    const own = config({
      rbac: { roles: { reader: ['read'] } },
      residency: { allowedRegions: ['cn-north-1'] },
    })
    const [tenant] = withDemoSettings(own, target, Date.UTC(2026, 11, 3)).tenants
    expect(tenant?.rbac.roles).toEqual({ reader: ['read'] })
    expect(tenant?.residency?.allowedRegions).toEqual(['cn-north-1'])
  })
})
