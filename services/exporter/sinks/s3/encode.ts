import { gzipSync } from 'node:zlib'
import type { ExportEvent } from '../../../../schemas/export-record.js'
import type { Store } from '../../../platform/clickhouse.js'
import type { ArchiveFormat } from './layout.js'

/**
 * The bytes of one archive object. Parquet is written by the store's own engine (ClickHouse's
 * `FORMAT Parquet`), from the records as JSON lines read with an explicit structure, so the
 * columns and their types are fixed here and not guessed from the data. The columns are the
 * export record's fields flattened (`mcp.server.name` → `mcp_server_name`), the names query
 * engines (Athena, Spark, DuckDB, ClickHouse) take without quoting. NDJSON.gz holds the export
 * records as they are, one per line.
 */
export interface Encoder {
  format: ArchiveFormat
  contentType: string
  /** Bytes of JSON lines one encode takes at most (the server mode passes them in a URL). */
  maxInputBytes: number
  encode(records: readonly ExportEvent[], lines: readonly string[]): Promise<Buffer>
}

/**
 * One Parquet row: the export record flattened. Kept beside PARQUET_STRUCTURE, which types each
 * of these columns; a field added to the export record is added to both.
 */
export function parquetRow(record: ExportEvent): Record<string, unknown> {
  return {
    schema: record.schema,
    v: record.v,
    kind: record.kind,
    id: record.id,
    tenant_id: record.tenant_id,
    time: record.time,
    received_at: record.received_at,
    ingested_at: record.ingested_at,
    gateway_name: record.gateway.name,
    gateway_format: record.gateway.format,
    origin: record.origin,
    mcp_method: record.mcp.method,
    mcp_server_name: record.mcp.server.name,
    mcp_server_version: record.mcp.server.version,
    mcp_server_transport: record.mcp.server.transport,
    mcp_tool: record.mcp.tool,
    mcp_resource_uri: record.mcp.resource_uri,
    mcp_prompt: record.mcp.prompt,
    mcp_session_id: record.mcp.session_id,
    mcp_request_id: record.mcp.request_id,
    trace_id: record.trace_id,
    client_name: record.client.name,
    client_version: record.client.version,
    user_id: record.user.id,
    user_id_kind: record.user.id_kind,
    user_roles: record.user.roles,
    user_auth_method: record.user.auth_method,
    source_ip: record.source_ip,
    user_agent: record.user_agent,
    arguments_excerpt: record.arguments.excerpt,
    arguments_bytes: record.arguments.bytes,
    arguments_truncated: record.arguments.truncated,
    result_excerpt: record.result.excerpt,
    result_bytes: record.result.bytes,
    result_truncated: record.result.truncated,
    status: record.status,
    error_class: record.error?.class ?? null,
    error_code: record.error?.code ?? null,
    error_message: record.error?.message ?? null,
    duration_ms: record.duration_ms,
    decision: record.decision,
    data_region: record.data_region,
    tls: record.tls,
    attributes: record.attributes,
    redaction_findings: record.redaction.findings,
    redaction_count: record.redaction.count,
    content_hash: record.content_hash,
    position_partition: record.position.partition,
    position_offset: record.position.offset,
  }
}

const S = 'String'
const N = 'Nullable(String)'
const TIME = "DateTime64(3, 'UTC')"

/** The Parquet file's columns, in order (ClickHouse types; Parquet gets their logical types). */
export const PARQUET_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['schema', S],
  ['v', 'UInt8'],
  ['kind', S],
  ['id', S],
  ['tenant_id', S],
  ['time', TIME],
  ['received_at', TIME],
  ['ingested_at', TIME],
  ['gateway_name', S],
  ['gateway_format', S],
  ['origin', S],
  ['mcp_method', S],
  ['mcp_server_name', S],
  ['mcp_server_version', N],
  ['mcp_server_transport', N],
  ['mcp_tool', N],
  ['mcp_resource_uri', N],
  ['mcp_prompt', N],
  ['mcp_session_id', N],
  ['mcp_request_id', N],
  ['trace_id', N],
  ['client_name', N],
  ['client_version', N],
  ['user_id', N],
  ['user_id_kind', S],
  ['user_roles', 'Array(String)'],
  ['user_auth_method', N],
  ['source_ip', N],
  ['user_agent', N],
  ['arguments_excerpt', S],
  ['arguments_bytes', 'UInt32'],
  ['arguments_truncated', 'Bool'],
  ['result_excerpt', S],
  ['result_bytes', 'UInt32'],
  ['result_truncated', 'Bool'],
  ['status', S],
  ['error_class', N],
  ['error_code', 'Nullable(Int64)'],
  ['error_message', N],
  ['duration_ms', 'Nullable(Float64)'],
  ['decision', N],
  ['data_region', N],
  ['tls', 'Nullable(Bool)'],
  ['attributes', 'Map(String, String)'],
  ['redaction_findings', 'Map(String, UInt32)'],
  ['redaction_count', 'UInt32'],
  ['content_hash', S],
  ['position_partition', 'UInt16'],
  ['position_offset', 'UInt64'],
]

/** The structure as a ClickHouse literal: column names and types from the constant above, no values. */
const PARQUET_STRUCTURE = PARQUET_COLUMNS.map(([name, type]) => `${name} ${type}`)
  .join(', ')
  .replaceAll("'", "\\'")

/** Server mode sends query parameters in the URL, which ClickHouse caps at 1 MiB by default. */
const SERVER_MAX_INPUT_BYTES = 256 * 1024

export function parquetEncoder(store: Pick<Store, 'client' | 'mode'>): Encoder {
  return {
    format: 'parquet',
    contentType: 'application/vnd.apache.parquet',
    maxInputBytes: store.mode === 'server' ? SERVER_MAX_INPUT_BYTES : Number.POSITIVE_INFINITY,
    async encode(records) {
      const rows = records.map((record) => JSON.stringify(parquetRow(record))).join('\n')
      const result = await store.client.exec({
        query: `SELECT * FROM format(JSONEachRow, '${PARQUET_STRUCTURE}', {rows:String}) FORMAT Parquet`,
        query_params: { rows },
        clickhouse_settings: {
          date_time_input_format: 'best_effort',
          output_format_parquet_compression_method: 'zstd',
        },
      })
      const chunks: Buffer[] = []
      for await (const chunk of result.stream) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks)
    },
  }
}

export function ndjsonEncoder(): Encoder {
  return {
    format: 'ndjson',
    contentType: 'application/gzip',
    maxInputBytes: Number.POSITIVE_INFINITY,
    encode: (_records, lines) => Promise.resolve(gzipSync(`${lines.join('\n')}\n`)),
  }
}
