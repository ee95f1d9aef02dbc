import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { AuditRow } from '../../schemas/audit-row.js'

/**
 * The classic MCP metrics, computed from the stored audit stream (the normalizer's onRowsStored),
 * so they hold for every gateway format without instrumenting gateways:
 *   mcp_requests_total{server,tool,status}, mcp_request_duration_seconds{server,tool},
 *   mcp_active_connections{server}, mcp_errors_total{server,error_type}.
 * Label values come from gateways, so their number is capped per tenant: each tenant may name
 * `maxServers` servers and `maxToolsPerServer` tools per server; past its own budget a tenant's
 * calls count under "other", and one tenant's flood of names never takes another tenant's slots.
 */
export interface McpMetricsOptions {
  /** Server labels per tenant. */
  maxServers?: number
  /** Tool labels per server, per tenant. */
  maxToolsPerServer?: number
  /** A session (or user and client when there is none) counts as connected this long after its last call. */
  activeWindowMs?: number
  /** Sessions tracked per tenant and server at most, so a flood of ids cannot grow memory. */
  maxSessionsPerServer?: number
  now?: () => number
}

export const OTHER = 'other'

export interface McpMetrics {
  observe(rows: readonly AuditRow[]): void
}

export function createMcpMetrics(registry: Registry, options: McpMetricsOptions = {}): McpMetrics {
  const maxServers = options.maxServers ?? 100
  const maxTools = options.maxToolsPerServer ?? 100
  const windowMs = options.activeWindowMs ?? 5 * 60_000
  const maxSessions = options.maxSessionsPerServer ?? 10_000
  const now = options.now ?? Date.now
  /** Per tenant: the server labels it has named, each with the tool labels it has named there. */
  const budgets = new Map<string, Map<string, Set<string>>>()
  /** Per server label, per tenant: session → last call. */
  const sessions = new Map<string, Map<string, Map<string, number>>>()

  const requests = new Counter({
    name: 'mcp_requests_total',
    help: 'MCP requests seen in the audit stream, by server, tool and status',
    labelNames: ['server', 'tool', 'status'],
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'mcp_request_duration_seconds',
    help: 'MCP request duration reported by the gateway',
    labelNames: ['server', 'tool'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  })
  const errors = new Counter({
    name: 'mcp_errors_total',
    help: 'Failed MCP requests by server and error type (tool_error, client_error, server_error, denied, timeout, …)',
    labelNames: ['server', 'error_type'],
    registers: [registry],
  })
  new Gauge({
    name: 'mcp_active_connections',
    help: 'MCP sessions (or user and client pairs without sessions) with a call in the last 5 minutes, by server',
    labelNames: ['server'],
    registers: [registry],
    collect() {
      this.reset()
      const cutoff = now() - windowMs
      for (const [server, byTenant] of sessions) {
        let active = 0
        for (const seen of byTenant.values()) {
          for (const [key, at] of seen) if (at < cutoff) seen.delete(key)
          active += seen.size
        }
        this.set({ server }, active)
      }
    },
  })

  const serverLabel = (tenant: string, server: string): string => {
    let servers = budgets.get(tenant)
    if (!servers) {
      servers = new Map()
      budgets.set(tenant, servers)
    }
    if (servers.has(server)) return server
    if (servers.size >= maxServers) return OTHER
    servers.set(server, new Set())
    return server
  }
  const toolLabel = (tenant: string, server: string, tool: string): string => {
    const known = budgets.get(tenant)?.get(server)
    if (!known) return tool === '' ? '' : OTHER
    if (tool === '' || known.has(tool)) return tool
    if (known.size >= maxTools) return OTHER
    known.add(tool)
    return tool
  }

  return {
    observe(rows) {
      for (const row of rows) {
        if (row.origin === 'self') continue
        const tenant = row.tenant_id
        const server = serverLabel(tenant, row.server_name || 'unknown')
        const tool = toolLabel(tenant, server, row.tool || (row.method === 'tools/call' ? 'unknown' : ''))
        requests.inc({ server, tool, status: row.status })
        if (row.duration_ms !== null && row.duration_ms >= 0)
          duration.observe({ server, tool }, row.duration_ms / 1000)
        if (row.status !== 'success') errors.inc({ server, error_type: row.error_class || row.status })
        const key = row.session_id || `${row.user_id}\u0000${row.client_name}\u0000${row.source_ip}`
        let byTenant = sessions.get(server)
        if (!byTenant) {
          byTenant = new Map()
          sessions.set(server, byTenant)
        }
        let seen = byTenant.get(tenant)
        if (!seen) {
          seen = new Map()
          byTenant.set(tenant, seen)
        }
        const at = Date.parse(row.occurred_at)
        const last = Number.isNaN(at) ? now() : Math.min(at, now())
        if (seen.has(key) || seen.size < maxSessions) seen.set(key, Math.max(seen.get(key) ?? 0, last))
      }
    },
  }
}
