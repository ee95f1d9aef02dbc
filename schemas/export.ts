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

/**
 * The shape of each record's JSON: `mcp-audit`, the versioned export record as it is; `ecs`, the
 * same values under Elastic Common Schema field names (services/exporter/sinks/ecs.ts), for sinks
 * that feed Elasticsearch without an ingest pipeline of ours.
 */
const RecordSchema = z.enum(['mcp-audit', 'ecs']).default('mcp-audit')

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
    schema: RecordSchema,
    tenants: SinkTenants,
    startFrom: StartFrom,
    records: SinkRecords,
  })
  .strict()
export type KafkaSinkConfig = z.output<typeof KafkaSinkConfig>

/** RFC 5424 §6.2.1 facilities by name (PRI = facility × 8 + severity). */
export const SYSLOG_FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  clock: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const
export type SyslogFacility = keyof typeof SYSLOG_FACILITIES

/** RFC 5424 §6.2 header fields: printable US-ASCII without spaces, at most `max` characters. */
const printableAscii = (max: number) =>
  z
    .string()
    .regex(new RegExp(`^[!-~]{1,${max}}$`), `must be 1 to ${max} printable ASCII characters without spaces`)

/**
 * A syslog receiver over TCP (RFC 6587) or TLS (RFC 5425): `tcp://host:port` or `tls://host:port`.
 * UDP is refused: a datagram that is dropped (full receive buffer, lost packet, message over the
 * MTU) is gone without any sign, so an audit trail could not be shown complete.
 */
const SyslogUrl = z.string().superRefine((value, ctx) => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be tcp://host:port or tls://host:port' })
    return
  }
  if (url.protocol === 'udp:') {
    ctx.addIssue({
      code: 'custom',
      message:
        'udp:// is refused: syslog over UDP drops messages silently (no delivery, no error), so the exported trail could not be shown complete; use tcp:// or, better, tls://',
    })
  } else if (url.protocol !== 'tcp:' && url.protocol !== 'tls:') {
    ctx.addIssue({ code: 'custom', message: 'must be tcp://host:port or tls://host:port' })
  } else if (url.port === '' || url.hostname === '' || (url.pathname !== '' && url.pathname !== '/')) {
    ctx.addIssue({
      code: 'custom',
      message: 'must name a host and a port and nothing else (tls://siem.example:6514)',
    })
  }
})

export const SyslogSinkConfig = z
  .object({
    name: SinkName,
    type: z.literal('syslog'),
    url: SyslogUrl,
    /** What follows the RFC 5424 header: the record's JSON, or an ArcSight CEF or QRadar LEEF 2.0 line. */
    format: z.enum(['rfc5424', 'cef', 'leef']).default('rfc5424'),
    /** The JSON's shape (format rfc5424 only). */
    schema: RecordSchema,
    /**
     * RFC 6587 octet counting (`LEN SP MSG`) by default: it is the only framing RFC 5425 allows over
     * TLS and survives any byte in a message; `lf` ends each message with a newline for receivers
     * that only split lines (our messages never hold a raw newline).
     */
    framing: z.enum(['octet-counting', 'lf']).default('octet-counting'),
    /**
     * local0 by default: the facility RFC 5424 leaves for local use, so a SIEM routes it with one
     * rule; authpriv (or auth, audit) would land in the receiving host's own login log under
     * default rules (Debian: /var/log/auth.log), flooding it and mixing our tenants' calls with
     * that host's sshd and sudo records.
     */
    facility: z
      .enum(Object.keys(SYSLOG_FACILITIES) as [SyslogFacility, ...SyslogFacility[]])
      .default('local0'),
    appName: printableAscii(48).default('mcp-audit'),
    /** The HOSTNAME field; the machine's host name when absent. */
    hostname: printableAscii(255).optional(),
    /**
     * The SD-ID of the structured data element (format rfc5424). `32473` is the private enterprise
     * number RFC 5612 reserves for documentation: mcp-audit has no PEN of its own, and borrowing
     * another's would collide; set `name@<your PEN>` to use yours.
     */
    structuredDataId: z
      .string()
      .regex(/^[!-~]{1,32}$/, 'must be 1 to 32 printable ASCII characters')
      .refine(
        (id) => !/[=\]"]/.test(id) && /^[^@]+@\d+(\.\d+)*$/.test(id),
        'must be name@<private enterprise number>',
      )
      .default('mcp-audit@32473'),
    tls: SinkTlsConfig.optional(),
    tenants: SinkTenants,
    startFrom: StartFrom,
  })
  .strict()
  .superRefine((sink, ctx) => {
    if (sink.tls !== undefined && !sink.url.startsWith('tls:')) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls options need a tls:// url' })
    }
    if (sink.schema !== 'mcp-audit' && sink.format !== 'rfc5424') {
      ctx.addIssue({
        code: 'custom',
        path: ['schema'],
        message: `schema applies to the JSON of format rfc5424; ${sink.format} has its own fixed keys`,
      })
    }
  })
export type SyslogSinkConfig = z.output<typeof SyslogSinkConfig>

/**
 * An S3 bucket (AWS or an S3-compatible store through `endpoint`) that archives the events as
 * objects per tenant, date and hour, with a signed manifest per hour. Credentials: AWS's default
 * chain (environment, profile, instance role) unless `accessKeyId` and `secretAccessKey` are given
 * (from `${ENV}`; never logged).
 */
export const S3SinkConfig = z
  .object({
    name: SinkName,
    type: z.literal('s3'),
    bucket: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'must be an S3 bucket name (3-63 lowercase letters, digits, "." or "-")',
      ),
    /** Put before every key (`acme/` puts objects under `acme/<tenant>/…`); end it with "/" for a folder. */
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()/-]*$/, "may hold letters, digits and !_.*'()/- only")
      .refine((prefix) => !prefix.startsWith('/'), 'must not start with "/"')
      .default(''),
    region: z.string().min(1, "the bucket's region is required (us-east-1 for most S3-compatible stores)"),
    /** An S3-compatible store's URL (MinIO, SeaweedFS, Ceph); without it, AWS's endpoint for the region. */
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).optional(),
    /** Path-style requests (`endpoint/bucket/key`); the default is true when `endpoint` is set, else false. */
    forcePathStyle: z.boolean().optional(),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    format: z.enum(['parquet', 'ndjson']).default('parquet'),
    /** S3 Object Lock on every object and manifest: the bucket must have been created with Object Lock enabled. */
    objectLock: z
      .object({ mode: z.enum(['governance', 'compliance']), days: z.number().int().min(1).max(36_500) })
      .strict()
      .optional(),
    tls: SinkTlsConfig.optional(),
    /** Records per batch for this sink (archives favour fewer, larger objects); default `export.batchMaxRows`. */
    batchMaxRows: z.coerce.number().int().positive().max(50_000).optional(),
    /** An object holds at most this many bytes of rows (NDJSON before compression); a larger batch is split. */
    maxObjectBytes: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(1024 * 1024 * 1024)
      .default(64 * 1024 * 1024),
    /** An hour's manifest is written once the hour has ended and this much more time has passed. */
    manifestDelaySeconds: z.coerce.number().int().min(0).max(86_400).default(300),
    tenants: SinkTenants,
    startFrom: StartFrom,
  })
  .strict()
  .refine((sink) => (sink.accessKeyId === undefined) === (sink.secretAccessKey === undefined), {
    message:
      "accessKeyId and secretAccessKey go together (or leave both out for AWS's default credential chain)",
    path: ['secretAccessKey'],
  })
export type S3SinkConfig = z.output<typeof S3SinkConfig>

const SINK_TYPES = ['splunk-hec', 'otlp-http', 'syslog', 's3', 'kafka'] as const

export const SinkConfig = z.discriminatedUnion(
  'type',
  [SplunkHecSinkConfig, OtlpHttpSinkConfig, SyslogSinkConfig, S3SinkConfig, KafkaSinkConfig],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? `type must be one of ${SINK_TYPES.join(', ')}` : undefined,
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
