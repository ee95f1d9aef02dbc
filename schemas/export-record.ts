import { z } from 'zod'
import { ErrorClass, EventOrigin, UserIdKind } from './audit-row.js'

/**
 * What the exporter sends: one record per stored audit event, built from the stored, redacted row
 * (never from the raw topic), so a SIEM sees exactly what the store holds. Versioned: a consumer
 * checks `schema` and `v`; a change that removes or retypes a field is a new `v`. The JSON Schema
 * (`npm run schemas`, `export-record.schema.json`) is generated from this.
 *
 * `id` is the event id: at-least-once delivery can repeat a record after a crash, and receivers
 * drop repeats by it. Absent values are `null`, never empty strings.
 */
export const EXPORT_SCHEMA = 'mcp-audit.export'
export const EXPORT_SCHEMA_VERSION = 1

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

/** Every kind of export record; alerts and report notices join as further kinds. */
export const ExportRecord = z.discriminatedUnion('kind', [ExportEvent])
export type ExportRecord = z.infer<typeof ExportRecord>
