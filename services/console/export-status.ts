import type { SinkConfig } from '../../schemas/export.js'
import { ALL_TENANTS, webhookReceivesTenant } from '../../schemas/webhooks.js'
import type { ExportSinkStatus } from '../platform/store/export-sink-status.js'

/**
 * What `GET /export/sinks` answers for one sink, from either source:
 * - `live`: the exporter runs in this process (`start`): its loops' own state;
 * - `store`: the console runs alone (server mode): the status the exporter saves every few
 *   seconds (`export_sink_status`, platform/store/export-sink-status.ts), as old as
 *   `status_age_seconds` says.
 * Only a sink's name, type and tenants leave the configuration: never its URL, token or headers.
 */
export type SinkState = 'ok' | 'paused' | 'failing' | 'unknown'

export interface SinkView {
  name: string
  type: string
  tenants: string[]
  status: SinkState
  /** Messages the pipeline has stored that the sink has not passed yet. */
  lag: number | null
  last_error: string | null
  /** Live: the last batch the sink took. Store: the last time its checkpoint moved. */
  last_success: string | null
  failing_since: string | null
  throughput_per_second: number | null
  source: 'live' | 'store'
  /** When the exporter saw the sink so; null when no exporter has saved its status. */
  status_updated_at: string | null
  /** How old the status is (0 when live); null when no exporter has saved it. */
  status_age_seconds: number | null
}

/** The exporter's status of one sink (services/exporter/sink-runner.ts `SinkStatus`). */
export interface LiveSinkStatus {
  name: string
  lag: number | undefined
  failingSinceMs: number | undefined
  lastError: string | undefined
  lastSuccessMs: number | undefined
  recordsPerSecond: number
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())

export function sinksOfTenant(sinks: readonly SinkConfig[], tenantId: string): SinkConfig[] {
  return sinks.filter((sink) => webhookReceivesTenant(sink, tenantId))
}

/** Values of a sink's configuration that must never reach a response: tokens, headers, passwords, keys. */
const SECRET_KEY = /token|secret|password|passphrase|credential|header|authorization|key/i

function secretValues(value: unknown, secret = false): string[] {
  if (typeof value === 'string') return secret && value.length >= 4 ? [value] : []
  if (Array.isArray(value)) return value.flatMap((item) => secretValues(item, secret))
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      const userinfo = key === 'url' && typeof item === 'string' ? urlUserinfo(item) : []
      return [...userinfo, ...secretValues(item, secret || SECRET_KEY.test(key))]
    })
  }
  return []
}

function urlUserinfo(url: string): string[] {
  try {
    const { username, password } = new URL(url)
    return [username, password].filter((part) => part.length > 0).map(decodeURIComponent)
  } catch {
    return []
  }
}

/**
 * An error message without the sink's secrets: a receiver or library may echo a URL with its
 * userinfo, or a header, back in an error.
 */
export function scrubSecrets(message: string, sink: SinkConfig): string {
  let scrubbed = message.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1[redacted]@')
  for (const secret of secretValues(sink)) scrubbed = scrubbed.split(secret).join('[redacted]')
  return scrubbed
}

function base(sink: SinkConfig) {
  return { name: sink.name, type: sink.type, tenants: sink.tenants ?? [ALL_TENANTS] }
}

/**
 * `paused` while the sink's sends (or its reads) fail and it retries with backoff, alone;
 * `failing` once that has lasted `export.unhealthyAfterSeconds`, when /readyz reports it too.
 */
function failingState(sinceMs: number | undefined, unhealthyAfterMs: number, nowMs: number): SinkState {
  return sinceMs === undefined ? 'ok' : nowMs - sinceMs < unhealthyAfterMs ? 'paused' : 'failing'
}

const perSecond = (rate: number) => Math.round(rate * 10) / 10

export function liveView(
  sink: SinkConfig,
  status: LiveSinkStatus,
  unhealthyAfterMs: number,
  nowMs: number,
): SinkView {
  return {
    ...base(sink),
    status: failingState(status.failingSinceMs, unhealthyAfterMs, nowMs),
    lag: status.lag ?? null,
    last_error: status.lastError === undefined ? null : scrubSecrets(status.lastError, sink),
    last_success: iso(status.lastSuccessMs),
    failing_since: iso(status.failingSinceMs),
    throughput_per_second: perSecond(status.recordsPerSecond),
    source: 'live',
    status_updated_at: iso(nowMs),
    status_age_seconds: 0,
  }
}

/**
 * Store: what the exporter last saved, judged as live (a failure it saw is taken to last until
 * it says otherwise); `unknown` when no exporter has saved the sink's status lately, with the
 * last saved values and their age.
 */
export function savedView(
  sink: SinkConfig,
  saved: ExportSinkStatus | undefined,
  unhealthyAfterMs: number,
  nowMs: number,
): SinkView {
  if (!saved?.updatedAt) {
    return {
      ...base(sink),
      status: 'unknown',
      lag: null,
      last_error: null,
      last_success: null,
      failing_since: null,
      throughput_per_second: null,
      source: 'store',
      status_updated_at: null,
      status_age_seconds: null,
    }
  }
  const updatedMs = Date.parse(saved.updatedAt)
  const failingSinceMs = saved.failingSince === null ? undefined : Date.parse(saved.failingSince)
  return {
    ...base(sink),
    status: saved.reporting ? failingState(failingSinceMs, unhealthyAfterMs, nowMs) : 'unknown',
    lag: saved.lag,
    last_error: saved.lastError === null ? null : scrubSecrets(saved.lastError, sink),
    last_success: saved.lastSuccessAt,
    failing_since: saved.failingSince,
    throughput_per_second: perSecond(saved.recordsPerSecond),
    source: 'store',
    status_updated_at: saved.updatedAt,
    status_age_seconds: Math.max(0, Math.round((nowMs - updatedMs) / 1000)),
  }
}
