import { z } from 'zod'

/**
 * The canonical normalized event: one row of `audit_events`, after normalization, redaction and
 * pseudonymization. Version 1. The normalizer builds these; inserts and tests import the type.
 * Times are ISO 8601 strings in UTC (ClickHouse reads them with date_time_input_format=best_effort).
 */
export const AUDIT_ROW_VERSION = 1

export const UserIdKind = z.enum(['none', 'pseudonym', 'service_account'])

/** How a failed call failed, following MCP: protocol-level client mistakes are not server errors. */
export const ErrorClass = z.enum([
  '',
  'tool_error',
  'client_error',
  'server_error',
  'unknown_error',
  'denied',
  'timeout',
])
export type ErrorClass = z.infer<typeof ErrorClass>

/**
 * Who wrote an event: a gateway through the collector, or mcp-audit itself (its self-audit of
 * console and report actions). Set by the normalizer from a Kafka header only the self-audit
 * producer sets; queries about mcp-audit's own actions select `origin = 'self'`, never a server name.
 */
export const EventOrigin = z.enum(['gateway', 'self'])
export type EventOrigin = z.infer<typeof EventOrigin>

export const AuditRow = z.object({
  tenant_id: z.string(),
  event_id: z.string(),
  schema_version: z.number().int(),
  occurred_at: z.string(),
  received_at: z.string(),
  ingested_at: z.string(),
  gateway: z.string(),
  gateway_format: z.string(),
  method: z.string(),
  server_name: z.string(),
  server_version: z.string(),
  server_transport: z.string(),
  tool: z.string(),
  resource_uri: z.string(),
  prompt: z.string(),
  session_id: z.string(),
  request_id: z.string(),
  trace_id: z.string(),
  client_name: z.string(),
  client_version: z.string(),
  user_id: z.string(),
  user_id_kind: UserIdKind,
  user_roles: z.array(z.string()),
  auth_method: z.string(),
  source_ip: z.string(),
  user_agent: z.string(),
  arguments: z.string(),
  arguments_bytes: z.number().int().nonnegative(),
  arguments_truncated: z.boolean(),
  result: z.string(),
  result_bytes: z.number().int().nonnegative(),
  result_truncated: z.boolean(),
  status: z.enum(['success', 'error', 'denied', 'timeout']),
  error_class: ErrorClass,
  error_code: z.number().int().nullable(),
  error_message: z.string(),
  duration_ms: z.number().nullable(),
  decision: z.string(),
  data_region: z.string(),
  tls: z.boolean().nullable(),
  attributes: z.record(z.string(), z.string()),
  redaction_findings: z.record(z.string(), z.number().int().nonnegative()),
  retention_until: z.string(),
  source_partition: z.number().int().nonnegative(),
  source_offset: z.number().int().nonnegative(),
  origin: EventOrigin,
  /**
   * SHA-256 (hex) of the event's stored content, without what only says how and when it was
   * ingested (services/normalizer/steps/content-hash.ts): two deliveries of one event id with
   * the same hash are the same event; with another hash, a conflict. '' on rows stored before
   * the column existed.
   */
  content_hash: z.string(),
})
export type AuditRow = z.infer<typeof AuditRow>

/**
 * One row of `event_conflicts`: an event id delivered again with other content. The first stored
 * version stays; this records the attempt, by hashes only (no clear or redacted values).
 */
export const EventConflictRow = z.object({
  tenant_id: z.string(),
  event_id: z.string(),
  /** The content hash of the version that was kept. */
  stored_hash: z.string(),
  received_hash: z.string(),
  /** The ingest token that sent the refused version, its format, and where it was in Kafka. */
  gateway: z.string(),
  gateway_format: z.string(),
  source_partition: z.number().int().nonnegative(),
  source_offset: z.number().int().nonnegative(),
  detected_at: z.string(),
})
export type EventConflictRow = z.infer<typeof EventConflictRow>

/**
 * Attributes the normalizer derives for each row (its derive step) so that rules, in the stream and
 * in SQL alike, can see facts the gateway does not send. They overwrite a gateway attribute of the
 * same name.
 *
 * - `local_hour` (`0`–`23`) and `local_weekday` (`1` Monday … `7` Sunday): `occurred_at` in the
 *   tenant's `timezone` (config `tenants[].timezone`, UTC when unset), for off-hours rules. Stored, so
 *   an alert and a report agree on what "off hours" was when the event happened.
 * - `tools_list_hash`: on `tools/list` results, a hash of every tool's name, description and schemas,
 *   computed from the clear result before redaction and truncation (the stored excerpt cannot be
 *   hashed reliably). A changed hash for a known server is a rug pull (rule mcp-tool-definition-changed).
 *   A gateway that fingerprints tools itself may send it; the normalizer keeps that value when the
 *   result holds no `tools` list.
 * - `region_allowed` (`true` / `false`): whether `data_region` is among the tenant's
 *   `residency.allowedRegions`; absent when the region is unknown. A tenant without a residency
 *   policy keeps what the gateway sent (rule tests send it). Rule mcp-call-outside-allowed-region.
 * - `server_loopback` (`true` / `false`): whether the server's address (attribute `server.address`)
 *   is a loopback address, or `true` for a stdio server; absent when neither says. The
 *   `transport-encryption` check excuses plaintext only to loopback servers.
 */
export const DERIVED_ATTRIBUTES = {
  localHour: 'local_hour',
  localWeekday: 'local_weekday',
  toolsListHash: 'tools_list_hash',
  regionAllowed: 'region_allowed',
  serverLoopback: 'server_loopback',
} as const

/** One row of `ingest_receipts`: what the collector acknowledged for one request and minute. */
export const ReceiptRow = z.object({
  receipt_id: z.string(),
  tenant_id: z.string(),
  gateway: z.string(),
  minute: z.string(),
  received_at: z.string(),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
})
export type ReceiptRow = z.infer<typeof ReceiptRow>
