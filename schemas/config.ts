import { existsSync } from 'node:fs'
import cron from 'node-cron'
import { z } from 'zod'
import { ExportConfig, sinkTenantIssues } from './export.js'
import { RbacConfig } from './rbac.js'
import { Locale } from './locale.js'
import { RedactionSettings } from './redaction.js'
import { ResidencyConfig, residencyIssues, ServerTlsConfig } from './residency.js'
import { KafkaSasl, KafkaSsl, StorageKey } from './transport-security.js'
import { ALL_TENANTS, AllowedNetwork, webhookReceivesTenant, WebhookList } from './webhooks.js'

/** The configuration file (`mcp-audit.yaml`), as documented in DESIGN.md. Parsed once at start. */

const Port = z.coerce.number().int().min(0).max(65_535)
const HexSha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/i, 'must be the SHA-256 of the token as 64 hex characters')
  .transform((value) => value.toLowerCase())

export const TokenScope = z.enum(['ingest', 'read', 'admin'])
export type TokenScope = z.infer<typeof TokenScope>

export const TokenConfig = z
  .object({
    name: z.string().min(1),
    scope: TokenScope,
    sha256: HexSha256.optional(),
    value: z.string().min(16, 'a clear-text token must be at least 16 characters').optional(),
  })
  .refine((token) => (token.sha256 === undefined) !== (token.value === undefined), {
    message: 'give exactly one of sha256 (recommended) or value (dev only)',
  })
export type TokenConfig = z.infer<typeof TokenConfig>

export const RateLimitConfig = z.object({
  eventsPerSecond: z.coerce.number().positive(),
  burst: z.coerce.number().positive(),
})

export const Framework = z.enum([
  'pci-dss',
  'soc2',
  'iso27001',
  'hipaa',
  'gdpr',
  'nist-800-53',
  'eu-ai-act',
  'mlps-2.0',
  'pipl',
])

const TimeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone })
      return true
    } catch {
      return false
    }
  },
  { message: 'must be an IANA time zone such as Europe/Berlin' },
)

export const RetentionConfig = z
  .object({
    minDays: z.coerce.number().int().positive().default(365),
    maxDays: z.coerce.number().int().positive().default(730),
    hotDays: z.coerce.number().int().positive().default(90),
  })
  .refine((retention) => retention.minDays <= retention.maxDays, {
    message: 'minDays must not exceed maxDays',
  })

export const TenantConfig = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, "-" or "_" (at most 63)'),
  tokens: z.array(TokenConfig).default([]),
  retention: RetentionConfig.prefault({}),
  frameworks: z.array(Framework).default([]),
  rateLimit: RateLimitConfig.optional(),
  timezone: TimeZone.default('UTC'),
  residency: ResidencyConfig.optional(),
  serverTls: ServerTlsConfig.default({}),
  /** Roles → permissions and tool globs per permission; default the seed's three roles (schemas/rbac.ts). */
  rbac: RbacConfig.prefault({}),
  /** Language of the tenant's reports unless a schedule or `report --locale` says otherwise. */
  locale: Locale.optional(),
})
export type TenantConfig = z.infer<typeof TenantConfig>

/** Checked here rather than when the scheduler starts, so a typo stops every command at start. */
const CronExpression = z.string().refine((expression) => cron.validate(expression), {
  message: 'must be a cron expression of 5 fields (6 with seconds) such as "0 6 * * 1" (Mondays at 06:00)',
})

export const ReportScheduleConfig = z.object({
  name: z.string().min(1),
  tenant: z.string().min(1),
  schedule: CronExpression,
  timezone: TimeZone.default('UTC'),
  period: z.enum(['last-day', 'last-week', 'last-month']).default('last-week'),
  formats: z.array(z.enum(['pdf', 'html', 'csv', 'json'])).default(['pdf', 'json']),
  deliver: z.array(z.string()).default([]),
  /** Language of this schedule's reports; default the tenant's, else English. */
  locale: Locale.optional(),
})

/** The nominal length of each scheduled period, checked against `reporter.maxPeriodDays`. */
const SCHEDULED_PERIOD_DAYS = { 'last-day': 1, 'last-week': 7, 'last-month': 31 } as const

export const NormalizerConfig = z.object({
  consumerGroup: z.string().min(1).default('mcp-audit-normalizer'),
  /** /healthz, /readyz and /metrics when the normalizer runs on its own. */
  opsPort: Port.default(9464),
  /** Rows per ClickHouse insert at most (embedded inserts block the event loop in proportion). */
  batchMaxRows: z.coerce.number().int().positive().max(100_000).default(10_000),
  /** Longest a row waits in the buffer before it is inserted. */
  batchMaxWaitMs: z.coerce.number().int().positive().default(1_000),
  /** Messages processed between heartbeats. */
  chunkSize: z.coerce.number().int().positive().default(1_000),
  /** Worker threads for parse/normalize/redact; 0 runs them on the main thread. */
  workers: z.coerce.number().int().min(0).max(16).default(1),
  /** Stored excerpt of a call's arguments, in bytes of redacted JSON. */
  argumentsMaxBytes: z.coerce.number().int().positive().default(16_384),
  /** Stored excerpt of a call's result, in bytes of redacted JSON. */
  resultMaxBytes: z.coerce.number().int().positive().default(8_192),
})
export type NormalizerConfig = z.infer<typeof NormalizerConfig>

export const AppConfig = z
  .object({
    dataDir: z.string().min(1).default('./data'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    kafka: z
      .object({
        brokers: z.array(z.string().min(1)).optional(),
        clientId: z.string().default('mcp-audit'),
        topics: z
          .object({
            raw: z.string().default('mcp.audit.raw'),
            dlq: z.string().default('mcp.audit.dlq'),
            receipts: z.string().default('mcp.audit.receipts'),
          })
          .prefault({}),
        partitions: z.coerce.number().int().positive().default(6),
        /**
         * Hours the raw topic keeps events. Redaction runs in the normalizer, so events wait there
         * in clear: this bounds how long. Applied as the topic's `retention.ms` at every start.
         */
        rawRetentionHours: z.coerce.number().int().positive().default(72),
        /** Hours the DLQ keeps dead letters (also clear events), for inspection and `dlq replay`. */
        dlqRetentionHours: z.coerce.number().int().positive().default(168),
        localPort: Port.default(9092),
        /** TLS to the brokers of `kafka.brokers` (the local broker of `start` is plaintext on loopback). */
        ssl: KafkaSsl.optional(),
        sasl: KafkaSasl.optional(),
      })
      .superRefine((kafka, ctx) => {
        if (kafka.brokers !== undefined) return
        for (const key of ['ssl', 'sasl'] as const) {
          if (kafka[key] === undefined) continue
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `applies to the brokers of kafka.brokers; the local broker of \`start\` listens in plaintext on loopback only: set kafka.brokers or remove kafka.${key}`,
          })
        }
      })
      .prefault({}),
    clickhouse: z
      .object({
        url: z.url().optional(),
        database: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
          .default('mcp_audit'),
        username: z.string().optional(),
        password: z.string().optional(),
        /** Embedded store only: keeps its tables on ClickHouse's AES-256 encrypted disk (README). */
        encryptionKey: StorageKey.optional(),
      })
      .refine((clickhouse) => clickhouse.url === undefined || clickhouse.encryptionKey === undefined, {
        path: ['encryptionKey'],
        message:
          'encrypts the embedded store only; a ClickHouse server keeps its encrypted disks and keys in its own configuration (README "Encryption at rest"): remove clickhouse.encryptionKey or clickhouse.url',
      })
      .prefault({}),
    collector: z
      .object({
        port: Port.default(8080),
        host: z.string().default('0.0.0.0'),
        maxBodyBytes: z.coerce.number().int().positive().default(5_242_880),
        /**
         * One event's Kafka message (envelope, key and headers) at most. Kafka's `message.max.bytes`
         * defaults to 1,048,588 bytes; an event above this is refused with its index, not sent.
         */
        maxRecordBytes: z.coerce.number().int().positive().default(1_000_000),
        /**
         * Bodies being read and parsed at once, in bytes: each request reserves its Content-Length,
         * or `maxBodyBytes` when it is compressed or chunked. Past it: 503 with Retry-After.
         */
        maxBodyBytesInFlight: z.coerce.number().int().positive().default(67_108_864),
        /** `/metrics` (with `/healthz` and `/readyz`) on a port of its own, never on the ingest port. */
        metricsPort: Port.default(9463),
        metricsHost: z.string().default('0.0.0.0'),
        /** Worker threads that parse and validate large bodies; 0 keeps all of it on the main thread. */
        workers: z.coerce.number().int().min(0).max(16).default(1),
        /** Bodies smaller than this are parsed on the main thread (a worker hop costs ~0.1 ms). */
        workerMinBytes: z.coerce.number().int().min(0).default(32_768),
        rateLimit: RateLimitConfig.default({ eventsPerSecond: 2000, burst: 10_000 }),
      })
      .prefault({}),
    console: z
      .object({
        port: Port.default(8081),
        host: z.string().default('0.0.0.0'),
        /** `/metrics` (with `/healthz` and `/readyz`) on a port of its own: they name every tenant. */
        metricsPort: Port.default(9466),
        metricsHost: z.string().default('0.0.0.0'),
        /** The console's address as people reach it, for links in alerts and reports. */
        publicUrl: z.url().optional(),
        /**
         * Server mode: the ClickHouse user that runs admin SQL (`POST /api/v1/query`); give it
         * SELECT on the queryable tables only and make it read-only (README, console). Without
         * it, admin SQL runs as `clickhouse.username` with `readonly=2`.
         */
        adminSql: z.object({ username: z.string().min(1), password: z.string().default('') }).optional(),
      })
      .prefault({}),
    detector: z
      .object({
        /** How often windowed rules are evaluated. */
        intervalMs: z.coerce.number().int().positive().default(15_000),
        /** Windows are judged this long after they end, so late events still count. */
        lagMs: z.coerce.number().int().nonnegative().default(30_000),
        /**
         * How far back a rule that has never run looks on its first evaluation (a new deployment,
         * a new rule); afterwards its watermark decides. 0 starts with the latest complete window.
         */
        backfillMs: z.coerce.number().int().nonnegative().default(3_600_000),
        /**
         * Windows per rule per tick at most, so a tick after an outage stays bounded (a day of
         * one-minute windows; they are evaluated six hours per query, and a tick that leaves
         * windows due is followed at once by the next).
         */
        maxWindowsPerTick: z.coerce.number().int().positive().default(1_440),
        /** /healthz, /readyz and /metrics when the detector runs on its own. */
        opsPort: Port.default(9465),
      })
      .prefault({}),
    pseudonymization: z
      .object({
        key: z.string().min(16, 'must be at least 16 characters (use 32 random bytes)').optional(),
        /**
         * User ids kept in clear (service accounts, bots); everyone else is a keyed pseudonym. An
         * entry ending in `*` matches a prefix (`svc-*`).
         */
        serviceAccounts: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    redaction: RedactionSettings,
    normalizer: NormalizerConfig.prefault({}),
    tenants: z.array(TenantConfig).default([]),
    rules: z.object({ paths: z.array(z.string()).default(['rules/']) }).prefault({}),
    alerts: z
      .object({
        allowPrivateNetworks: z.array(AllowedNetwork).default([]),
        webhooks: WebhookList.default([]),
      })
      .prefault({}),
    integrity: z
      .object({
        /** How often the normalizer seals what it stored and committed (one seal per tenant and partition). */
        sealIntervalSeconds: z.coerce.number().int().min(1).max(3_600).default(60),
        /**
         * Ed25519 private key (PKCS#8 PEM) that signs seals. When absent, one is generated on first
         * start under <dataDir>/integrity/seal-key.pem; the public key is exported beside it.
         */
        signingKey: z.string().min(1).optional(),
        /**
         * An external witness: every `intervalMinutes` the reporter sends the head of each of a
         * tenant's seal chains (`integrity.anchor`, Standard Webhooks format) to these webhooks of
         * `alerts.webhooks` that receive the tenant. `verify-store --anchor FILE` checks a copy.
         */
        anchor: z
          .object({
            webhooks: z.array(z.string().min(1)).min(1, 'name at least one webhook of alerts.webhooks'),
            intervalMinutes: z.coerce.number().int().min(1).max(10_080).default(60),
          })
          .optional(),
      })
      .prefault({}),
    reports: z.array(ReportScheduleConfig).default([]),
    export: ExportConfig.prefault({}),
    reporter: z
      .object({
        /**
         * Ed25519 private key (PKCS#8 PEM) that signs report manifests. When absent, one is generated
         * on first start under <dataDir>/reports/signing-key.pem; the public key is exported beside it.
         */
        signingKey: z.string().min(1).optional(),
        /** A scheduled run missed during downtime is caught up at start when it fell this recently. */
        catchUpDays: z.coerce.number().int().min(0).max(366).default(35),
        /** The longest period one report may cover, in days (scheduled reports are checked at start). */
        maxPeriodDays: z.coerce.number().int().min(1).max(3_660).default(400),
        /** Reports one tenant may start through the console API per hour (the CLI and schedules are exempt). */
        maxPerHour: z.coerce.number().int().min(1).max(10_000).default(30),
        /** Reports (files and rows) older than this are deleted by the reporter's retention sweep. */
        keepDays: z.coerce.number().int().min(1).max(36_600).default(400),
        /**
         * Font for Chinese, Japanese and Korean text in PDFs: `noto-sans-sc` (installed with npm),
         * `wqy-microhei` (Debian's fonts-wqy-microhei) or the path of a TTF or OTF file.
         */
        cjkFont: z
          .string()
          .min(1)
          .refine(
            (font) => font === 'noto-sans-sc' || font === 'wqy-microhei' || existsSync(font),
            'must be noto-sans-sc, wqy-microhei or the path of an existing TTF or OTF font file',
          )
          .default('noto-sans-sc'),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>()
    config.tenants.forEach((tenant, index) => {
      if (seen.has(tenant.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', index, 'id'],
          message: `duplicate tenant id "${tenant.id}"`,
        })
      }
      seen.add(tenant.id)
      for (const issue of residencyIssues(tenant)) {
        ctx.addIssue({ code: 'custom', path: ['tenants', index, ...issue.path], message: issue.message })
      }
    })
    // A webhook receives every tenant's alerts unless told otherwise: with several tenants that
    // must be a decision, or one tenant's incidents (user ids, tool names) reach another's channel.
    config.alerts.webhooks.forEach((webhook, index) => {
      const path = ['alerts', 'webhooks', index, 'tenants']
      if (webhook.tenants === undefined) {
        if (config.tenants.length > 1) {
          ctx.addIssue({
            code: 'custom',
            path,
            message:
              `this configuration has ${config.tenants.length} tenants: list the tenants whose alerts and ` +
              `report notices webhook "${webhook.name}" receives (tenant ids, or "${ALL_TENANTS}" for every tenant)`,
          })
        }
        return
      }
      webhook.tenants.forEach((tenant, tenantIndex) => {
        if (tenant !== ALL_TENANTS && !seen.has(tenant)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, tenantIndex],
            message: `unknown tenant "${tenant}"`,
          })
        }
      })
    })
    const webhooks = new Map(
      config.alerts.webhooks.map((webhook, index) => [webhook.name, { webhook, index }]),
    )
    config.integrity.anchor?.webhooks.forEach((name, index) => {
      const known = webhooks.get(name)
      const path = ['integrity', 'anchor', 'webhooks', index]
      if (!known) {
        ctx.addIssue({ code: 'custom', path, message: `unknown webhook "${name}"` })
      } else if (known.webhook.format !== 'standard') {
        // The one format with a form of `integrity.anchor` (services/webhooks/formats.ts).
        ctx.addIssue({
          code: 'custom',
          path,
          message: `webhook "${name}" has format ${known.webhook.format}; anchors are sent only in the standard format`,
        })
      }
    })
    for (const issue of sinkTenantIssues(config.export.sinks, seen))
      ctx.addIssue({ code: 'custom', ...issue })
    config.reports.forEach((report, index) => {
      if (!seen.has(report.tenant)) {
        ctx.addIssue({
          code: 'custom',
          path: ['reports', index, 'tenant'],
          message: `unknown tenant "${report.tenant}"`,
        })
      }
      if (SCHEDULED_PERIOD_DAYS[report.period] > config.reporter.maxPeriodDays) {
        ctx.addIssue({
          code: 'custom',
          path: ['reports', index, 'period'],
          message: `${report.period} covers up to ${SCHEDULED_PERIOD_DAYS[report.period]} days, more than reporter.maxPeriodDays (${config.reporter.maxPeriodDays}): raise the limit or pick a shorter period`,
        })
      }
      report.deliver.forEach((target, targetIndex) => {
        const known = webhooks.get(target)
        const path = ['reports', index, 'deliver', targetIndex]
        if (!known) {
          ctx.addIssue({ code: 'custom', path, message: `unknown webhook "${target}"` })
        } else if (!webhookReceivesTenant(known.webhook, report.tenant)) {
          ctx.addIssue({
            code: 'custom',
            path,
            message:
              `webhook "${target}" does not receive tenant "${report.tenant}"; ` +
              `add the tenant to alerts.webhooks.${known.index}.tenants or deliver elsewhere`,
          })
        }
      })
    })
  })
export type AppConfig = z.infer<typeof AppConfig>
