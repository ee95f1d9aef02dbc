import type { SimFormat, SimRecord } from './types.js'

/** One HTTP request as the gateway would send it to the collector. */
export interface OutgoingRequest {
  /** Path and query, e.g. `/v1/events?format=kong` or `/v1/logs`. */
  path: string
  contentType: string
  body: string
  format: SimFormat
  tenant: string
  gateway: string
  records: number
  events: number
}

/** Records that may share a request: one gateway, one format, and for Docker one server. */
export function batchKey(record: SimRecord): string {
  return `${record.tenant}\u0000${record.gateway}\u0000${record.format}\u0000${record.server ?? ''}`
}

/** Docker's `exec` interceptor runs one curl per payload; every other gateway batches its log shipping. */
export function maxBatchRecords(format: SimFormat, batchSize: number): number {
  return format === 'docker' ? 1 : Math.max(1, batchSize)
}

export function pathFor(format: SimFormat, server?: string): string {
  if (format === 'otlp') return '/v1/logs'
  if (format === 'docker') return `/v1/events?format=docker&server=${encodeURIComponent(server ?? 'unknown')}`
  return `/v1/events?format=${format}`
}

/**
 * The body of one request: Kong's http-log sends a JSON array, an OTLP exporter one `resourceLogs`
 * body, Docker one payload; the log shippers of the other gateways send NDJSON.
 */
export function buildRequest(records: readonly SimRecord[]): OutgoingRequest {
  const first = records[0]
  if (!first) throw new Error('buildRequest needs at least one record')
  const events = records.reduce((sum, record) => sum + record.events, 0)
  const base = {
    format: first.format,
    tenant: first.tenant,
    gateway: first.gateway,
    records: records.length,
    events,
  }
  const path = pathFor(first.format, first.server)
  if (first.format === 'otlp') {
    const resourceLogs = records.flatMap(
      (record) => (record.record as { resourceLogs: unknown[] }).resourceLogs,
    )
    return { ...base, path, contentType: 'application/json', body: JSON.stringify({ resourceLogs }) }
  }
  if (first.format === 'kong') {
    return {
      ...base,
      path,
      contentType: 'application/json',
      body: JSON.stringify(records.map((r) => r.record)),
    }
  }
  if (first.format === 'docker' || records.length === 1) {
    return { ...base, path, contentType: 'application/json', body: JSON.stringify(first.record) }
  }
  return {
    ...base,
    path,
    contentType: 'application/x-ndjson',
    body: `${records.map((record) => JSON.stringify(record.record)).join('\n')}\n`,
  }
}

/** Groups records into requests of at most `batchSize` records, keeping order within each group. */
export function toRequests(records: readonly SimRecord[], batchSize: number): OutgoingRequest[] {
  const groups = new Map<string, SimRecord[]>()
  const requests: OutgoingRequest[] = []
  for (const record of records) {
    const key = batchKey(record)
    const group = groups.get(key) ?? []
    group.push(record)
    if (group.length >= maxBatchRecords(record.format, batchSize)) {
      requests.push(buildRequest(group))
      groups.delete(key)
    } else groups.set(key, group)
  }
  for (const group of groups.values()) requests.push(buildRequest(group))
  return requests
}
