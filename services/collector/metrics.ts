import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface CollectorMetrics {
  requests: Counter<'route' | 'status'>
  eventsAccepted: Counter<'tenant' | 'format'>
  eventsRejected: Counter<'tenant' | 'reason'>
  produceSeconds: Histogram<'outcome'>
  produceBatchMessages: Histogram
  inFlight: Gauge
  requestSeconds: Histogram<'route'>
}

export function createCollectorMetrics(registry: Registry): CollectorMetrics {
  return {
    requests: new Counter({
      name: 'mcp_audit_collector_requests_total',
      help: 'HTTP requests by route and status code',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    eventsAccepted: new Counter({
      name: 'mcp_audit_collector_events_accepted_total',
      help: 'Events acknowledged by Kafka and answered with 202',
      labelNames: ['tenant', 'format'],
      registers: [registry],
    }),
    eventsRejected: new Counter({
      name: 'mcp_audit_collector_events_rejected_total',
      help: 'Events not accepted, by reason (invalid, too_large, rate_limited, kafka_unavailable; requests refused before their body was read count once as unauthorized or busy)',
      labelNames: ['tenant', 'reason'],
      registers: [registry],
    }),
    produceSeconds: new Histogram({
      name: 'mcp_audit_collector_kafka_produce_seconds',
      help: 'Time from sending a batch to Kafka until all in-sync replicas acknowledged it',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    produceBatchMessages: new Histogram({
      name: 'mcp_audit_collector_kafka_batch_messages',
      help: 'Messages per Kafka produce batch (requests arriving together share a batch)',
      buckets: [1, 10, 50, 100, 500, 1000, 2500, 5000, 10000],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'mcp_audit_collector_requests_in_flight',
      help: 'Ingest requests being processed',
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: 'mcp_audit_collector_request_seconds',
      help: 'Ingest request latency, including the wait for the Kafka acknowledgement',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  }
}
