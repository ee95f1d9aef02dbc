import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export type DeliveryOutcome = 'delivered' | 'retry' | 'dead' | 'blocked' | 'disabled'

export interface DeliveryMetrics {
  deliveries: Counter<'webhook' | 'format' | 'outcome'>
  seconds: Histogram<'webhook'>
  pending: Gauge
}

/** Registered once per registry, so several outboxes of one process (and tests) share them. */
const cache = new WeakMap<Registry, DeliveryMetrics>()

export function deliveryMetrics(registry: Registry): DeliveryMetrics {
  const existing = cache.get(registry)
  if (existing) return existing
  const metrics: DeliveryMetrics = {
    deliveries: new Counter({
      name: 'mcp_audit_alert_deliveries_total',
      help: 'Webhook delivery attempts and decisions, by outcome (delivered, retry, dead, blocked, disabled)',
      labelNames: ['webhook', 'format', 'outcome'],
      registers: [registry],
    }),
    seconds: new Histogram({
      name: 'mcp_audit_alert_delivery_seconds',
      help: 'Duration of one webhook attempt (DNS, connect, answer)',
      labelNames: ['webhook'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    pending: new Gauge({
      name: 'mcp_audit_alert_deliveries_pending',
      help: 'Webhook deliveries waiting for their next attempt',
      registers: [registry],
    }),
  }
  cache.set(registry, metrics)
  return metrics
}
