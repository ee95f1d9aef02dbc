import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { AuditRow } from '../../schemas/audit-row.js'
import { createMcpMetrics } from './mcp-metrics.js'

const NOW = Date.parse('2026-11-24T10:00:00Z')

function row(overrides: Partial<AuditRow>): AuditRow {
  return {
    tenant_id: 'acme',
    server_name: 'filesystem',
    tool: 'read_file',
    method: 'tools/call',
    status: 'success',
    error_class: '',
    duration_ms: 120,
    session_id: 's1',
    user_id: 'u1',
    client_name: 'claude',
    source_ip: '10.0.0.1',
    occurred_at: '2026-11-24T09:59:00.000Z',
    origin: 'gateway',
    ...overrides,
  } as AuditRow
}

async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const samples = (await registry.getMetricsAsJSON()).flatMap((m) =>
    m.values.map((v) => ({ ...v, name: (v as { metricName?: string }).metricName ?? m.name })),
  )
  const sample = samples.find(
    (v) =>
      v.name === name &&
      Object.entries(labels).every(([k, l]) => String((v.labels as Record<string, unknown>)[k]) === l),
  )
  return sample?.value ?? 0
}

describe('MCP metrics from the audit stream', () => {
  it('counts requests, errors, durations and active sessions per server', async () => {
    const registry = new Registry()
    const metrics = createMcpMetrics(registry, { now: () => NOW })
    metrics.observe([
      row({}),
      row({ session_id: 's2' }),
      row({ status: 'error', error_class: 'tool_error', duration_ms: 2500 }),
      row({ status: 'denied', error_class: 'denied', server_name: 'github', tool: 'create_issue' }),
      row({ session_id: 'old', occurred_at: '2026-11-24T09:00:00.000Z' }),
      row({ server_name: 'mcp-audit', tool: 'console.events.list', origin: 'self' }),
    ])
    expect(
      await value(registry, 'mcp_requests_total', {
        server: 'filesystem',
        tool: 'read_file',
        status: 'success',
      }),
    ).toBe(3)
    expect(await value(registry, 'mcp_requests_total', { server: 'mcp-audit' })).toBe(0)
    expect(
      await value(registry, 'mcp_errors_total', { server: 'filesystem', error_type: 'tool_error' }),
    ).toBe(1)
    expect(await value(registry, 'mcp_errors_total', { server: 'github', error_type: 'denied' })).toBe(1)
    expect(
      await value(registry, 'mcp_request_duration_seconds_count', {
        server: 'filesystem',
        tool: 'read_file',
      }),
    ).toBe(4)
    expect(
      await value(registry, 'mcp_request_duration_seconds_bucket', {
        server: 'filesystem',
        tool: 'read_file',
        le: '0.25',
      }),
    ).toBe(3)
    // s1 and s2 are recent; "old" fell out of the 5-minute window.
    expect(await value(registry, 'mcp_active_connections', { server: 'filesystem' })).toBe(2)
    expect(await value(registry, 'mcp_active_connections', { server: 'github' })).toBe(1)
  })

  it('caps label cardinality: extra servers and tools become "other"', async () => {
    const registry = new Registry()
    const metrics = createMcpMetrics(registry, { maxServers: 2, maxToolsPerServer: 2, now: () => NOW })
    metrics.observe(
      Array.from({ length: 50 }, (_, i) => row({ server_name: `srv-${i % 5}`, tool: `tool-${i % 7}` })),
    )
    const samples = (await registry.getMetricsAsJSON()).find((m) => m.name === 'mcp_requests_total')!.values
    const servers = new Set(samples.map((s) => s.labels.server))
    expect([...servers].sort()).toEqual(['other', 'srv-0', 'srv-1'])
    const toolsOfSrv0 = new Set(samples.filter((s) => s.labels.server === 'srv-0').map((s) => s.labels.tool))
    expect(toolsOfSrv0.size).toBeLessThanOrEqual(3)
    expect(toolsOfSrv0).toContain('other')
    expect(samples.reduce((sum, s) => sum + s.value, 0)).toBe(50)
  })

  it('gives each tenant its own label budget: a flood of names from one tenant leaves the others theirs', async () => {
    const registry = new Registry()
    const metrics = createMcpMetrics(registry, {
      maxServers: 2,
      maxToolsPerServer: 2,
      maxSessionsPerServer: 3,
      now: () => NOW,
    })
    // The hostile tenant comes first and names far more servers, tools and sessions than the budget.
    metrics.observe(
      Array.from({ length: 200 }, (_, i) =>
        row({
          tenant_id: 'flood',
          server_name: i < 100 ? 'filesystem' : `flood-srv-${i}`,
          tool: `flood-tool-${i}`,
          session_id: `flood-${i}`,
        }),
      ),
    )
    metrics.observe([
      row({ server_name: 'github', tool: 'create_issue', session_id: 'a1' }),
      row({ server_name: 'filesystem', tool: 'read_file', session_id: 'a2' }),
      row({ server_name: 'filesystem', tool: 'write_file', session_id: 'a3' }),
    ])
    const samples = (await registry.getMetricsAsJSON()).find((m) => m.name === 'mcp_requests_total')!.values
    const count = (server: string, tool: string) =>
      samples
        .filter((s) => s.labels.server === server && s.labels.tool === tool)
        .reduce((n, s) => n + s.value, 0)
    expect(count('github', 'create_issue')).toBe(1)
    expect(count('filesystem', 'read_file')).toBe(1)
    expect(count('filesystem', 'write_file')).toBe(1)
    // The flood: 2 servers and 2 tools per server of its own, the rest under "other".
    const servers = new Set(samples.map((s) => String(s.labels.server)))
    expect([...servers].filter((name) => name.startsWith('flood-srv-'))).toHaveLength(1)
    const floodTools = new Set(
      samples.map((s) => String(s.labels.tool)).filter((t) => t.startsWith('flood-tool-')),
    )
    expect(floodTools.size).toBeLessThanOrEqual(4)
    expect(samples.reduce((sum, s) => sum + s.value, 0)).toBe(203)
    // Sessions are capped per tenant too: acme's two filesystem sessions still count.
    expect(await value(registry, 'mcp_active_connections', { server: 'filesystem' })).toBe(3 + 2)
  })
})
