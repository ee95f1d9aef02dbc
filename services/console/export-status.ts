import type { SinkConfig } from '../../schemas/export.js'
import { ALL_TENANTS, webhookReceivesTenant } from '../../schemas/webhooks.js'

/**
 * What `GET /export/sinks` answers for one sink, from either source:
 * - `live`: the exporter runs in this process (`start`): its loops' own state;
 * - `store`: the console runs alone (server mode): the sink's checkpoint in the store and the
 *   normalizer's committed offsets in Kafka. The store keeps positions and when they moved, not
 *   errors or send rates, so `last_error` and `throughput_per_second` are null there (Prometheus
 *   has them from the exporter's /metrics).
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

/** A sink's checkpoint in the store: partition → next offset, and when it last moved. */
export interface StoredCheckpoint {
  positions: ReadonlyMap<number, number>
  updatedAtMs: number
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
 * Live: `paused` while the sink's sends (or its reads) fail and it retries with backoff, alone;
 * `failing` once that has lasted `export.unhealthyAfterSeconds`, when /readyz reports it too.
 */
export function liveView(
  sink: SinkConfig,
  status: LiveSinkStatus,
  unhealthyAfterMs: number,
  nowMs: number,
): SinkView {
  const since = status.failingSinceMs
  const state: SinkState =
    since === undefined ? 'ok' : nowMs - since < unhealthyAfterMs ? 'paused' : 'failing'
  return {
    ...base(sink),
    status: state,
    lag: status.lag ?? null,
    last_error: status.lastError === undefined ? null : scrubSecrets(status.lastError, sink),
    last_success: iso(status.lastSuccessMs),
    failing_since: iso(since),
    throughput_per_second: Math.round(status.recordsPerSecond * 10) / 10,
    source: 'live',
  }
}

/**
 * Store: `failing` when the sink is behind and its checkpoint has not moved for `unhealthyAfterMs`;
 * `unknown` without a checkpoint (the exporter never ran it) or without the committed offsets.
 */
export function storedView(
  sink: SinkConfig,
  checkpoint: StoredCheckpoint | undefined,
  committed: ReadonlyMap<number, number> | undefined,
  unhealthyAfterMs: number,
  nowMs: number,
): SinkView {
  const lag =
    checkpoint && committed
      ? [...committed].reduce(
          (sum, [partition, fence]) => sum + Math.max(0, fence - (checkpoint.positions.get(partition) ?? 0)),
          0,
        )
      : null
  const stalled = checkpoint !== undefined && nowMs - checkpoint.updatedAtMs >= unhealthyAfterMs
  const state: SinkState = lag === null ? 'unknown' : lag > 0 && stalled ? 'failing' : 'ok'
  return {
    ...base(sink),
    status: state,
    lag,
    last_error: null,
    last_success: iso(checkpoint?.updatedAtMs),
    failing_since: state === 'failing' ? iso(checkpoint?.updatedAtMs) : null,
    throughput_per_second: null,
    source: 'store',
  }
}
