import { createHash } from 'node:crypto'
import type { AuditRow } from '../../../schemas/audit-row.js'
import { canonicalJson } from '../../platform/canonical-json.js'

/**
 * Columns that say how and when a row was ingested, not what happened: they differ between two
 * deliveries of the same event and are left out of its content hash.
 *
 * - `received_at`: the collector's receipt time (a gateway's retry is received later),
 * - `ingested_at`: the normalizer's write time,
 * - `source_partition`, `source_offset`: where the message was in Kafka,
 * - `retention_until`: the tenant's retention policy at write time, not a fact of the event,
 * - `schema_version`: the row's layout version.
 *
 * Everything else is the event: what the gateway reported (who, what, when, outcome, arguments and
 * result as stored, i.e. redacted), who reported it (`gateway`, `gateway_format`), its `origin`,
 * and what the normalizer derived from it (attributes, redaction findings). Derived values follow
 * configuration (tenant time zone, redaction rules): a gateway re-sending an event after such a
 * change sends, as far as the store can tell, another version.
 */
export const INGESTION_COLUMNS = [
  'received_at',
  'ingested_at',
  'source_partition',
  'source_offset',
  'retention_until',
  'schema_version',
] as const satisfies ReadonlyArray<keyof AuditRow>

export type UnhashedRow = Omit<AuditRow, 'content_hash'>

/** SHA-256 (hex) of the canonical JSON of the row without its ingestion columns. */
export function contentHash(row: UnhashedRow): string {
  const content: Record<string, unknown> = { ...row }
  for (const column of INGESTION_COLUMNS) delete content[column]
  delete content.content_hash
  return createHash('sha256').update(canonicalJson(content)).digest('hex')
}

/** The row with its content hash: the last step before the row is stored. */
export function withContentHash(row: UnhashedRow): AuditRow {
  return { ...row, content_hash: contentHash(row) }
}
