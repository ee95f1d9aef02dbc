/**
 * What a seal covers of a row, computed by ClickHouse so that sealing and verifying millions of
 * rows never moves them into Node: leaf = SHA-256 of the row's sealed columns as ClickHouse prints
 * a tuple of them (`toString(tuple(…))`: strings quoted and escaped, so values cannot run together).
 *
 * The list is versioned: seals carry `hash_version`, and a verifier recomputes leaves with the
 * columns of that version. Changing the list means a new version, never an edit of an old one.
 */
export const HASH_VERSION = 1

/**
 * Every stored column of `audit_events` that says what happened, in table order. Left out, and why:
 * `ingested_at`, `source_partition` and `source_offset` describe one stored copy, not the event (a
 * crash replay or a gateway's retry stores an identical event again at another time or offset, and
 * the merge keeps either copy); `redaction_count` is computed from `redaction_findings`.
 * Columns added to `audit_events` by later migrations (such as first-write-wins' `content_hash` and
 * `origin`) are appended here while no store has been sealed with this version.
 */
export const SEALED_COLUMNS_V1 = [
  'tenant_id',
  'event_id',
  'schema_version',
  'occurred_at',
  'received_at',
  'gateway',
  'gateway_format',
  'method',
  'server_name',
  'server_version',
  'server_transport',
  'tool',
  'resource_uri',
  'prompt',
  'session_id',
  'request_id',
  'trace_id',
  'client_name',
  'client_version',
  'user_id',
  'user_id_kind',
  'user_roles',
  'auth_method',
  'source_ip',
  'user_agent',
  'arguments',
  'arguments_bytes',
  'arguments_truncated',
  'result',
  'result_bytes',
  'result_truncated',
  'status',
  'error_class',
  'error_code',
  'error_message',
  'duration_ms',
  'decision',
  'data_region',
  'tls',
  'attributes',
  'redaction_findings',
  'retention_until',
  'content_hash',
  'origin',
] as const

const SEALED_COLUMNS: Readonly<Record<number, readonly string[]>> = { 1: SEALED_COLUMNS_V1 }

/** The 32-byte leaf of an `audit_events` row, as a SQL expression over its columns. */
export function leafBinarySql(version = HASH_VERSION): string {
  const columns = SEALED_COLUMNS[version]
  if (!columns) throw new Error(`unknown seal hash version ${version}; this mcp-audit knows ${HASH_VERSION}`)
  return `SHA256(toString(tuple(${columns.join(', ')})))`
}

/**
 * A seal's digest as a SQL expression over its three arrays, in stored order (the sealer stores
 * them sorted by event id): SHA-256, hex, of `event_id \t leaf \t retention_until \n` per leaf.
 * The retention date is inside so that a seal edited to make a deleted row look expired fails.
 * The sealer and the verifier both use this expression, so the bytes hashed are the same.
 */
export function digestSql(eventIds: string, leaves: string, retention: string): string {
  return `hex(SHA256(arrayStringConcat(arrayMap((e, l, r) -> concat(e, '\\t', l, '\\t', toString(r), '\\n'), ${eventIds}, ${leaves}, ${retention}))))`
}

/** The first 16 bytes of a leaf as a number: what verification compares (2^128 work to forge). */
export function leafKeySql(binaryLeaf: string): string {
  return `reinterpretAsUInt128(${binaryLeaf})`
}
