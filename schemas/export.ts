import { z } from 'zod'
import { RECORD_KINDS, RecordKind } from './export-record.js'
import { SinkTlsConfig } from './sink-tls.js'
import { ALL_TENANTS } from './webhooks.js'

/**
 * The export part of the configuration (`export`, DESIGN.md "Additions to the contract"): the sinks
 * the exporter streams stored, redacted events to. Each sink type is strict, so a misspelt key stops
 * the start naming it instead of being dropped.
 */

/** A sink's name keys its checkpoint in the store and labels its metrics: keep it stable. */
const SinkName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'must be lowercase letters, digits, "-" or "_" (at most 63); it keys the sink\'s checkpoint',
  )

/**
 * The tenants whose events a sink receives (`"*"`: every tenant). Required when the configuration
 * has more than one tenant (checked in config.ts), as for webhooks.
 */
const SinkTenants = z
  .array(z.string().min(1))
  .min(1, `list at least one tenant id, or "${ALL_TENANTS}" for every tenant`)
  .optional()

/**
 * Where a sink without a checkpoint starts: `latest`, events the pipeline commits from now on (use
 * `export replay` for history); `earliest`, every event the store still holds.
 */
const StartFrom = z.enum(['latest', 'earliest']).default('latest')

/**
 * The kinds of record a sink receives (`event`, `alert`, `report`), each from its own checkpoint;
 * all of them by default. `startFrom` applies to each kind.
 */
export const SinkRecords = z
  .array(RecordKind)
  .min(1, `list at least one of ${RECORD_KINDS.join(', ')}`)
  .refine((kinds) => new Set(kinds).size === kinds.length, 'lists a kind twice')
  .default([...RECORD_KINDS])

export const SplunkHecSinkConfig = z
  .object({
    name: SinkName,
    type: z.literal('splunk-hec'),
    /** The HEC base URL (`https://splunk:8088`); `/services/collector/event` is added when no path is given. */
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
    token: z.string().min(1, 'the HEC token is required (use ${HEC_TOKEN})'),
    index: z.string().min(1).optional(),
    source: z.string().min(1).default('mcp-audit'),
    /** The events' sourcetype; alerts and reports go as `mcp:audit:alert` and `mcp:audit:report`. */
    sourcetype: z.string().min(1).default('mcp:audit:event'),
    gzip: z.boolean().default(true),
    tls: SinkTlsConfig.optional(),
    tenants: SinkTenants,
    startFrom: StartFrom,
    records: SinkRecords,
  })
  .strict()
export type SplunkHecSinkConfig = z.output<typeof SplunkHecSinkConfig>

/** Headers the OTLP sink sets itself: the body's type, encoding and length, and the target host. */
const RESERVED_HEADERS = new Set(['content-type', 'content-encoding', 'content-length', 'host'])

export const OtlpHttpSinkConfig = z
  .object({
    name: SinkName,
    type: z.literal('otlp-http'),
    /** The collector's base URL (`https://otel:4318`); `/v1/logs` is added when no path is given. */
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
    /** Sent with every request (an API key, a tenant header); values may be secrets and are never logged. */
    headers: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
          .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), {
            message: `is set by the sink (${[...RESERVED_HEADERS].join(', ')})`,
          }),
        z.string().regex(/^[^\r\n]*$/, 'must be one line'),
      )
      .default({}),
    gzip: z.boolean().default(true),
    tls: SinkTlsConfig.optional(),
    tenants: SinkTenants,
    startFrom: StartFrom,
    records: SinkRecords,
  })
  .strict()
export type OtlpHttpSinkConfig = z.output<typeof OtlpHttpSinkConfig>

export const KafkaSinkConfig = z
  .object({
    name: SinkName,
    type: z.literal('kafka'),
    /** Another cluster's bootstrap brokers; without them, the pipeline's own cluster. */
    brokers: z
      .array(z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port'))
      .min(1)
      .optional(),
    topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name'),
    tenants: SinkTenants,
    startFrom: StartFrom,
    records: SinkRecords,
  })
  .strict()
export type KafkaSinkConfig = z.output<typeof KafkaSinkConfig>

const SINK_TYPES = ['splunk-hec', 'otlp-http', 'kafka'] as const

export const SinkConfig = z.discriminatedUnion(
  'type',
  [SplunkHecSinkConfig, OtlpHttpSinkConfig, KafkaSinkConfig],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `type must be one of ${SINK_TYPES.join(', ')} (syslog and s3 are not available in this version)`
        : undefined,
  },
)
export type SinkConfig = z.output<typeof SinkConfig>

export const ExportConfig = z.object({
  sinks: z
    .array(SinkConfig)
    .default([])
    .superRefine((sinks, ctx) => {
      const seen = new Set<string>()
      sinks.forEach((sink, index) => {
        if (seen.has(sink.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'name'],
            message: `"${sink.name}" is used twice; sink names must be unique (each keys its own checkpoint)`,
          })
        }
        seen.add(sink.name)
      })
    }),
  /** Records per send at most: a batch goes out when it is full or its first record waited `batchMaxWaitMs`. */
  batchMaxRows: z.coerce.number().int().positive().max(50_000).default(1_000),
  batchMaxWaitMs: z.coerce.number().int().nonnegative().default(1_000),
  /** Pause between reads of the store when a sink has caught up. */
  pollMs: z.coerce.number().int().positive().default(500),
  /** `/readyz` turns not ready when a sink has failed this long without a successful send. */
  unhealthyAfterSeconds: z.coerce.number().int().positive().default(300),
  /**
   * The built-in alert `mcp-audit-export-lagging` is raised when a sink has failed for
   * `unhealthyAfterSeconds`, or when it is this many committed messages behind. 100,000 is
   * minutes of a busy pipeline's ingest while a healthy sink stays within a batch or two, so
   * only a sink that cannot keep up (or a backfill from `startFrom: earliest`) reaches it.
   */
  lagAlertMessages: z.coerce.number().int().positive().default(100_000),
  /** /healthz, /readyz and /metrics when the exporter runs on its own. */
  opsPort: z.coerce.number().int().min(0).max(65_535).default(9467),
})
export type ExportConfig = z.output<typeof ExportConfig>

/**
 * The tenants a sink reads, for the store query: `undefined` for every tenant (no `tenants:`, or
 * `"*"`), else the listed ids.
 */
export function sinkTenantFilter(sink: Pick<SinkConfig, 'tenants'>): string[] | undefined {
  const { tenants } = sink
  return tenants === undefined || tenants.includes(ALL_TENANTS) ? undefined : [...tenants]
}

/**
 * The kinds a sink receives: its `records`, or events alone for a sink type that has no
 * `records` option yet.
 */
export function sinkRecords(sink: SinkConfig): RecordKind[] {
  return 'records' in sink ? [...sink.records] : ['event']
}

/** Problems of the sinks against the configured tenants, as config issues (paths under `export.sinks`). */
export function sinkTenantIssues(
  sinks: readonly SinkConfig[],
  tenantIds: ReadonlySet<string>,
): Array<{ path: Array<string | number>; message: string }> {
  const issues: Array<{ path: Array<string | number>; message: string }> = []
  sinks.forEach((sink, index) => {
    const path = ['export', 'sinks', index, 'tenants']
    if (sink.tenants === undefined) {
      // One tenant's audit trail must never reach another's SIEM by default.
      if (tenantIds.size > 1) {
        issues.push({
          path,
          message:
            `this configuration has ${tenantIds.size} tenants: list the tenants whose events sink ` +
            `"${sink.name}" receives (tenant ids, or "${ALL_TENANTS}" for every tenant)`,
        })
      }
      return
    }
    sink.tenants.forEach((tenant, tenantIndex) => {
      if (tenant !== ALL_TENANTS && !tenantIds.has(tenant)) {
        issues.push({ path: [...path, tenantIndex], message: `unknown tenant "${tenant}"` })
      }
    })
  })
  return issues
}
