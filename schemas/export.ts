import { z } from 'zod'
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

export const SplunkHecSinkConfig = z
  .object({
    name: SinkName,
    type: z.literal('splunk-hec'),
    /** The HEC base URL (`https://splunk:8088`); `/services/collector/event` is added when no path is given. */
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
    token: z.string().min(1, 'the HEC token is required (use ${HEC_TOKEN})'),
    index: z.string().min(1).optional(),
    source: z.string().min(1).default('mcp-audit'),
    sourcetype: z.string().min(1).default('mcp:audit:event'),
    gzip: z.boolean().default(true),
    tenants: SinkTenants,
    startFrom: StartFrom,
  })
  .strict()
export type SplunkHecSinkConfig = z.output<typeof SplunkHecSinkConfig>

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
  })
  .strict()
export type KafkaSinkConfig = z.output<typeof KafkaSinkConfig>

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

const SINK_TYPES = ['splunk-hec', 'kafka', 's3'] as const

export const SinkConfig = z.discriminatedUnion('type', [SplunkHecSinkConfig, KafkaSinkConfig, S3SinkConfig], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `type must be one of ${SINK_TYPES.join(', ')} (otlp-http and syslog are not available in this version)`
      : undefined,
})
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
