import { collectDefaultMetrics, Registry } from 'prom-client'

/**
 * One Prometheus registry per process. Services register their metrics on it and every HTTP
 * server exposes it on `/metrics`.
 */
export function createMetricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry()
  registry.setDefaultLabels(labels)
  collectDefaultMetrics({ register: registry, prefix: 'mcp_audit_' })
  return registry
}
