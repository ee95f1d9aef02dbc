import type { StorageEncryptionFacts } from './storage-encryption.js'
import type { Problem, SealSummary } from '../integrity/index.js'
import type { AccessFacts } from './access.js'
import type { Framework } from './frameworks.js'

/** Every figure of one report, as computed from ClickHouse; the JSON file is this object. */

export interface ActivitySummary {
  calls: number
  users: number
  clients: number
  servers: number
  failures: number
  toolErrors: number
  protocolErrors: number
  denials: number
  timeouts: number
  /** Failures / calls, 0 when there were no calls. */
  errorRate: number
}

export interface RankedRow {
  name: string
  calls: number
  failures: number
}

export interface TopLists {
  byVolume: RankedRow[]
  byFailures: RankedRow[]
}

export interface LatencyRow {
  server: string
  calls: number
  p50: number
  p95: number
  p99: number
}

export interface VolumeBucket {
  label: string
  calls: number
  failures: number
}

export interface AlertCount {
  key: string
  label: string
  alerts: number
  events: number
}

export interface Incident {
  alertId: string
  severity: string
  rule: string
  title: string
  status: string
  count: number
  firstSeen: string
  lastSeen: string
  summary: string
}

export interface RetentionFacts {
  oldestEvent: string | null
  newestEvent: string | null
  storedEvents: number
  /** Smallest and largest `retention_until - occurred_at` among stored events, in days. */
  minKeepDays: number | null
  maxKeepDays: number | null
  eventsBelowRequired: number
  eventsBeyondMaximum: number
  ttlClause: string
}

export interface GatewayHour {
  gateway: string
  hour: string
  accepted: number
  stored: number
}

export interface SilentSpan {
  gateway: string
  from: string
  to: string
  hours: number
}

export interface CompletenessFacts {
  gateways: string[]
  hoursChecked: number
  receiptsAccepted: number
  storedWithReceipts: number
  /** Gateway-hours where fewer events are stored than the collector acknowledged. */
  shortfalls: GatewayHour[]
  silent: SilentSpan[]
  lagP50Ms: number | null
  lagP95Ms: number | null
  lagMaxMs: number | null
  /** Events stamped over a minute after the collector received them (a gateway clock ahead). */
  futureEvents: number
}

export interface FieldCoverage {
  field: string
  present: number
  share: number
}

export interface ReviewEntry {
  at: string
  actor: string
  action: string
  resource: string
}

/**
 * The sealed audit trail of the period as `verifyStore` found it against the installation's
 * trusted seal key, or why it could not be checked (no seal key yet).
 */
export type AuditTrailFacts =
  | { verified: false; reason: string }
  | {
      verified: true
      keyId: string
      /** Seals holding a row that occurred in the period. */
      seals: number
      rows: number
      /** Sealed rows removed by the retention TTL after their date: expected. */
      expired: number
      problems: Problem[]
      firstSeal: SealSummary | null
      lastSeal: SealSummary | null
    }

/** Where the period's gateway calls ran, against the tenant's `residency.allowedRegions`. */
export interface ResidencyFacts {
  /** Null when the tenant declares no residency policy. */
  allowedRegions: string[] | null
  unknownWarnShare: number
  calls: number
  /** Calls whose region neither the gateway nor the configuration says. */
  unknownCalls: number
  regions: Array<{ region: string; calls: number }>
  unknownServers: Array<{ server: string; calls: number }>
  /** Calls in a known region outside the allowed ones (all of them; `outside` keeps the top rows). */
  outsideCalls: number
  outside: Array<{ server: string; tool: string; region: string; calls: number }>
}

/** Whether the period's gateway calls travelled over TLS. */
export interface TransportFacts {
  calls: number
  tlsCalls: number
  plaintextCalls: number
  unknownCalls: number
  /** Per server in clear; `nonLoopbackCalls` are those not known to stay on the host. */
  plaintextServers: Array<{ server: string; calls: number; nonLoopbackCalls: number }>
  unknownServers: Array<{ server: string; calls: number }>
}

export interface ReportData {
  reportId: string
  name: string
  tenant: {
    id: string
    timezone: string
    frameworks: Framework[]
    retention: { minDays: number; maxDays: number; hotDays: number }
  }
  period: { from: string; to: string; timezone: string; label: string }
  previousPeriod: { from: string; to: string }
  generatedAt: string
  generatedBy: string
  signingKeyId: string
  maxIngestedAt: string | null
  summary: ActivitySummary
  previous: ActivitySummary
  tops: { tools: TopLists; servers: TopLists; clients: TopLists; users: TopLists }
  latency: LatencyRow[]
  volume: { granularity: 'hour' | 'day'; buckets: VolumeBucket[] }
  security: {
    alertsBySeverity: AlertCount[]
    alertsByRule: AlertCount[]
    alertsByStatus: AlertCount[]
    incidents: Incident[]
    redaction: Array<{ type: string; findings: number; events: number }>
    auth: Array<{ method: string; calls: number; share: number }>
    unauthenticatedCalls: number
  }
  compliance: {
    retention: RetentionFacts
    completeness: CompletenessFacts
    recordContent: { events: number; complete: number; share: number; fields: FieldCoverage[] }
    review: ReviewEntry[]
    auditTrail: AuditTrailFacts
    residency: ResidencyFacts
    transport: TransportFacts
    storageEncryption: StorageEncryptionFacts
  }
  /** Calls by role and privileged actions by user, judged against the tenant's `rbac`. */
  access: AccessFacts
}
