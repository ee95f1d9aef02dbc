import { z } from 'zod'
import { ErrorClass, EventOrigin, UserIdKind } from './audit-row.js'
import { Severity } from './rules.js'

/**
 * What the exporter sends: one record per stored audit event, built from the stored, redacted row
 * (never from the raw topic), so a SIEM sees exactly what the store holds; one per alert (an
 * incident, as the alert webhooks carry it); one per ready report (its notice, with the signed
 * manifest's hash and signature). Versioned: a consumer checks `schema` and `v`; a change that
 * removes or retypes a field is a new `v`. Additions keep `v` and raise the revision
 * (`EXPORT_SCHEMA_REVISION`, in the JSON Schema and the Kafka header), so a consumer must skip a
 * `kind` it does not know. The JSON Schema (`npm run schemas`, `export-record.schema.json`) is
 * generated from this.
 *
 * `id` is the event, alert or report id: at-least-once delivery can repeat a record after a crash,
 * and receivers drop repeats by (`kind`, `id`). Absent values are `null`, never empty strings.
 */
export const EXPORT_SCHEMA = 'mcp-audit.export'
export const EXPORT_SCHEMA_VERSION = 1
/** 1.0: events; 1.1: the kinds `alert` and `report`. */
export const EXPORT_SCHEMA_REVISION = '1.1'

/** What a sink can receive (`export.sinks[].records`). */
export const RECORD_KINDS = ['event', 'alert', 'report'] as const
export const RecordKind = z.enum(RECORD_KINDS)
export type RecordKind = z.infer<typeof RecordKind>

const Iso = z.iso.datetime({ offset: false })
const Optional = z.string().min(1).nullable()

export const ExportEvent = z.object({
  schema: z.literal(EXPORT_SCHEMA),
  v: z.literal(EXPORT_SCHEMA_VERSION),
  kind: z.literal('event'),
  /** The event id: stable across redeliveries, the key to deduplicate on. */
  id: z.string().min(1),
  tenant_id: z.string().min(1),
  /** When the call happened (the gateway's time), UTC. */
  time: Iso,
  /** When the collector received it and when the normalizer stored it. */
  received_at: Iso,
  ingested_at: Iso,
  /** The ingest token's name (the gateway) and the format it sent. */
  gateway: z.object({ name: z.string(), format: z.string() }),
  origin: EventOrigin,
  mcp: z.object({
    method: z.string().min(1),
    server: z.object({ name: z.string().min(1), version: Optional, transport: Optional }),
    tool: Optional,
    resource_uri: Optional,
    prompt: Optional,
    session_id: Optional,
    request_id: Optional,
  }),
  trace_id: Optional,
  client: z.object({ name: Optional, version: Optional }),
  /** A keyed pseudonym unless the id is a configured service account (`id_kind`). */
  user: z.object({
    id: Optional,
    id_kind: UserIdKind,
    roles: z.array(z.string()),
    auth_method: Optional,
  }),
  source_ip: Optional,
  user_agent: Optional,
  /** Redacted JSON excerpts, with the size of the original and whether the excerpt was cut. */
  arguments: z.object({ excerpt: z.string(), bytes: z.number().int().nonnegative(), truncated: z.boolean() }),
  result: z.object({ excerpt: z.string(), bytes: z.number().int().nonnegative(), truncated: z.boolean() }),
  status: z.enum(['success', 'error', 'denied', 'timeout']),
  error: z
    .object({ class: ErrorClass.exclude(['']), code: z.number().int().nullable(), message: z.string() })
    .nullable(),
  duration_ms: z.number().nonnegative().nullable(),
  decision: Optional,
  data_region: Optional,
  tls: z.boolean().nullable(),
  attributes: z.record(z.string(), z.string()),
  /** What redaction found and replaced, by type (never the values). */
  redaction: z.object({
    findings: z.record(z.string(), z.number().int().nonnegative()),
    count: z.number().int().nonnegative(),
  }),
  /** SHA-256 of the stored content ('' for rows stored before content hashes existed). */
  content_hash: z.string(),
  /** Where the event was in the pipeline's raw topic: the exporter's position in the stored stream. */
  position: z.object({ partition: z.number().int().nonnegative(), offset: z.number().int().nonnegative() }),
})
export type ExportEvent = z.infer<typeof ExportEvent>

/** An alert (one incident), with the content of the `alert.fired` webhook, as stored when it is read. */
export const ExportAlert = z.object({
  schema: z.literal(EXPORT_SCHEMA),
  v: z.literal(EXPORT_SCHEMA_VERSION),
  kind: z.literal('alert'),
  /** The alert id: stable for the incident (the webhooks' subject too). */
  id: z.string().min(1),
  tenant_id: z.string().min(1),
  /** When the incident was opened, UTC. */
  time: Iso,
  rule: z.object({
    id: z.string().min(1),
    title: z.string(),
    severity: Severity,
    tags: z.array(z.string()),
    kind: z.enum(['match', 'threshold', 'new_term', 'sequence', 'absence']),
  }),
  /** The values of the fields the incident is grouped by (e.g. server_name, session_id). */
  group: z.record(z.string(), z.string()),
  count: z.number().int().nonnegative(),
  /** The aggregate that crossed a threshold, when there is one. */
  value: z.number().nullable(),
  first_seen: Iso,
  last_seen: Iso,
  /** Event ids behind the alert: the `id`s of event records. */
  sample_event_ids: z.array(z.string()),
  summary: z.string(),
  /** The status when the exporter read it (an analyst may acknowledge or resolve it later). */
  status: z.enum(['open', 'acknowledged', 'resolved']),
  /** The alert in the console. */
  url: z.string(),
})
export type ExportAlert = z.infer<typeof ExportAlert>

/** A report that is ready, as its `report.ready` notice tells it, with its signed manifest's proof. */
export const ExportReport = z.object({
  schema: z.literal(EXPORT_SCHEMA),
  v: z.literal(EXPORT_SCHEMA_VERSION),
  kind: z.literal('report'),
  /** The report id. */
  id: z.string().min(1),
  tenant_id: z.string().min(1),
  /** When the report was ready, UTC. */
  time: Iso,
  name: z.string(),
  /** `on-demand` or the schedule's name. */
  schedule: z.string(),
  period: z.object({ from: Iso, to: Iso, timezone: z.string() }),
  /** The compliance frameworks the tenant's report covered (empty for reports made before 1.1). */
  frameworks: z.array(z.string()),
  formats: z.array(z.string()),
  checks: z.object({
    pass: z.number().int().nonnegative(),
    warn: z.number().int().nonnegative(),
    fail: z.number().int().nonnegative(),
  }),
  manifest: z.object({
    /** SHA-256 of `manifest.json`: what a copy of the report must match. */
    sha256: z.string(),
    /** The Ed25519 signature over the manifest's canonical JSON (null for reports made before 1.1). */
    signature: z
      .object({ algorithm: z.literal('Ed25519'), key_id: z.string(), value: z.string() })
      .nullable(),
  }),
  /** The report, its manifest and each format in the console (empty without `console.publicUrl`). */
  links: z.record(z.string(), z.string()),
})
export type ExportReport = z.infer<typeof ExportReport>

/** Every kind of export record: what `Sink.send` takes. */
export const ExportRecord = z.discriminatedUnion('kind', [ExportEvent, ExportAlert, ExportReport])
export type ExportRecord = z.infer<typeof ExportRecord>
