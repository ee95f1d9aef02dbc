import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface NormalizerMetrics {
  messages: Counter<'topic' | 'outcome'>
  rowsWritten: Counter<'table'>
  insertSeconds: Histogram<'table' | 'outcome'>
  batchMessages: Histogram<'topic'>
  consumerLag: Gauge<'topic' | 'partition'>
  dlqMessages: Counter<'topic'>
  writerHealthy: Gauge<'table'>
  redactionFindings: Counter<'type'>
  repeatedEvents: Counter<'kind'>
  eventConflicts: Counter
}

/** Metrics are registered once per registry, so the several loops of one process share them. */
const cache = new WeakMap<Registry, NormalizerMetrics>()

export function normalizerMetrics(registry: Registry): NormalizerMetrics {
  const existing = cache.get(registry)
  if (existing) return existing
  const metrics: NormalizerMetrics = {
    messages: new Counter({
      name: 'mcp_audit_normalizer_messages_total',
      help: 'Kafka messages processed, by outcome (ok, dlq, drop)',
      labelNames: ['topic', 'outcome'],
      registers: [registry],
    }),
    rowsWritten: new Counter({
      name: 'mcp_audit_normalizer_rows_written_total',
      help: 'Rows inserted into ClickHouse',
      labelNames: ['table'],
      registers: [registry],
    }),
    insertSeconds: new Histogram({
      name: 'mcp_audit_normalizer_insert_seconds',
      help: 'ClickHouse insert latency per flush',
      labelNames: ['table', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    batchMessages: new Histogram({
      name: 'mcp_audit_normalizer_batch_messages',
      help: 'Messages per Kafka fetch batch',
      labelNames: ['topic'],
      buckets: [1, 10, 100, 500, 1000, 5000, 10000, 50000],
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'mcp_audit_normalizer_consumer_lag',
      help: 'Messages between the last fetched offset and the partition end',
      labelNames: ['topic', 'partition'],
      registers: [registry],
    }),
    dlqMessages: new Counter({
      name: 'mcp_audit_normalizer_dlq_messages_total',
      help: 'Messages sent to the dead-letter topic',
      labelNames: ['topic'],
      registers: [registry],
    }),
    writerHealthy: new Gauge({
      name: 'mcp_audit_normalizer_writer_healthy',
      help: '1 while ClickHouse inserts succeed, 0 while they are failing and being retried',
      labelNames: ['table'],
      registers: [registry],
    }),
    redactionFindings: new Counter({
      name: 'mcp_audit_redaction_findings_total',
      help: 'Personal data and secrets found and redacted, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    repeatedEvents: new Counter({
      name: 'mcp_audit_normalizer_repeated_events_total',
      help: 'Events not stored because their id was stored with the same content: replayed (the same Kafka message after a crash) or resent (a copy from a gateway)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    eventConflicts: new Counter({
      name: 'mcp_audit_normalizer_event_conflicts_total',
      help: 'Events refused because their id was stored with other content (first write wins; see event_conflicts)',
      registers: [registry],
    }),
  }
  cache.set(registry, metrics)
  return metrics
}
