import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface ExportMetrics {
  records: Counter<'sink' | 'kind'>
  failures: Counter<'sink' | 'retryable'>
  rejected: Counter<'sink'>
  lag: Gauge<'sink'>
  paused: Gauge<'sink'>
  lastSuccess: Gauge<'sink'>
  sendSeconds: Histogram<'sink'>
  lagging: Gauge<'sink'>
}

/** Registered once per registry, so an exporter and a replay in one process (tests) share them. */
const cache = new WeakMap<Registry, ExportMetrics>()

export function exportMetrics(registry: Registry): ExportMetrics {
  const existing = cache.get(registry)
  if (existing) return existing
  const metrics: ExportMetrics = {
    records: new Counter({
      name: 'mcp_audit_export_records_total',
      help: 'Records a sink has taken, by kind (event, alert, report; repeats after a crash or a failed checkpoint write included)',
      labelNames: ['sink', 'kind'],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'mcp_audit_export_failures_total',
      help: 'Failed sends to a sink, by whether the failure is retryable (false: the sink is paused until fixed)',
      labelNames: ['sink', 'retryable'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'mcp_audit_export_rejected_records_total',
      help: 'Records a receiver took the batch without and will never take (OTLP partial success): not sent again',
      labelNames: ['sink'],
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'mcp_audit_export_lag_messages',
      help: 'Messages the normalizer has committed (their rows are stored) that a sink has not passed yet',
      labelNames: ['sink'],
      registers: [registry],
    }),
    paused: new Gauge({
      name: 'mcp_audit_export_paused',
      help: '1 while a sink waits after a failed send, else 0',
      labelNames: ['sink'],
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: 'mcp_audit_export_last_success_timestamp_seconds',
      help: 'When a sink last took a batch (Unix seconds)',
      labelNames: ['sink'],
      registers: [registry],
    }),
    sendSeconds: new Histogram({
      name: 'mcp_audit_export_send_seconds',
      help: 'Duration of one successful send of a batch to a sink',
      labelNames: ['sink'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    lagging: new Gauge({
      name: 'mcp_audit_export_lagging',
      help: '1 while a sink is in a lagging episode (alert mcp-audit-export-lagging: failing for export.unhealthyAfterSeconds, or export.lagAlertMessages behind), else 0',
      labelNames: ['sink'],
      registers: [registry],
    }),
  }
  cache.set(registry, metrics)
  return metrics
}
