import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { AppConfig, TenantConfig } from '../../schemas/config.js'
import type { ReportManifest } from '../../schemas/report.js'
import type { Store } from '../platform/clickhouse.js'
import type { Logger } from '../platform/logger.js'
import type { SelfAudit } from '../platform/self-audit.js'
import { manifestAuditTrail } from './audit-trail.js'
import { AUDIT_TRAIL_CHECK } from './checks-audit-trail.js'
import { tally } from './checks.js'
import { collectReportData } from './collect.js'
import { composeReport } from './compose.js'
import { documentTables } from './document.js'
import { ReportRequestError } from './errors.js'
import { reportText, resolveLocale, type ReportText } from './i18n/index.js'
import { createGenerationLimits } from './limits.js'
import { describeFile, MANIFEST_FILE, sha256File, signManifest, verifyReportFiles } from './manifest.js'
import { renderCsv } from './render-csv.js'
import { renderHtml } from './render-html.js'
import { renderPdf } from './render-pdf.js'
import { reportsTable, type StoredReport } from './report-store.js'
import { reportsRoot } from './signing-key.js'
import { REPORT_FORMATS, type ReportFile, type ReportFormat, type Reports, type SigningKey } from './types.js'

export interface ReportsDeps {
  config: AppConfig
  store: Store
  logger: Logger
  selfAudit: SelfAudit
  signingKey: SigningKey
  /** Earlier reports re-verified by each new report's integrity check. */
  verifyPrevious?: number
}

const CONTENT_TYPES: Record<ReportFile['kind'], string> = {
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  manifest: 'application/json',
}

const DAY_MS = 86_400_000
/** A period of N calendar days may be an hour longer across a daylight-saving change. */
const DST_HOUR_MS = 3_600_000
/** A generation older than this is stuck: its lock is taken over (the scheduler's health says so too). */
export const STUCK_GENERATION_MS = 30 * 60_000

function newReportId(from: Date): string {
  return `rpt_${from.toISOString().slice(0, 10).replaceAll('-', '')}_${randomBytes(5).toString('hex')}`
}

/** Generates, lists, serves and verifies reports; see types.ts for the contract the console uses. */
export function createReports(deps: ReportsDeps): Reports {
  const { config, store, selfAudit, signingKey } = deps
  const log = deps.logger.child({ component: 'reporter' })
  const table = reportsTable(store)
  const root = reportsRoot(config)
  const tenantDir = (tenantId: string) => path.join(root, tenantId)
  const limits = createGenerationLimits({
    root,
    maxPerHour: config.reporter.maxPerHour,
    staleAfterMs: STUCK_GENERATION_MS,
  })

  function tenantConfig(tenantId: string): TenantConfig {
    const tenant = config.tenants.find((t) => t.id === tenantId)
    if (!tenant) {
      throw new ReportRequestError(
        `unknown tenant "${tenantId}"; configured tenants: ${config.tenants.map((t) => t.id).join(', ') || 'none'}`,
      )
    }
    return tenant
  }

  async function verifyStored(report: StoredReport) {
    const manifestPath = path.join(report.directory, MANIFEST_FILE)
    // The key this installation signs with, not the manifest's own nor a file an intruder could swap.
    const result = await verifyReportFiles(manifestPath, { trusted: signingKey.publicKey })
    const problems = [...result.problems]
    if (result.ok && report.manifest_sha256 && (await sha256File(manifestPath)) !== report.manifest_sha256) {
      problems.push('manifest.json differs from the one recorded when the report was generated')
    }
    return { ok: problems.length === 0, problems }
  }

  async function writeFiles(
    dir: string,
    formats: ReportFormat[],
    rendered: Awaited<ReturnType<typeof render>>,
  ) {
    const files: ReportFile[] = []
    const write = async (name: string, kind: ReportFile['kind'], content: string | Buffer) => {
      writeFileSync(path.join(dir, name), content)
      files.push(await describeFile(dir, name, kind))
    }
    if (formats.includes('pdf'))
      await write('report.pdf', 'pdf', await renderPdf(rendered.document, log, config.reporter.cjkFont))
    if (formats.includes('html')) await write('report.html', 'html', renderHtml(rendered.document))
    if (formats.includes('json'))
      await write('report.json', 'json', `${JSON.stringify(rendered.json, null, 2)}\n`)
    if (formats.includes('csv')) {
      for (const csvTable of rendered.tables) await write(`${csvTable.id}.csv`, 'csv', renderCsv(csvTable))
    }
    return files
  }

  async function render(request: {
    tenant: TenantConfig
    reportId: string
    name: string
    from: Date
    to: Date
    timezone: string
    requestedBy: string
    generatedAt: Date
    text: ReportText
  }) {
    const { data, params } = await collectReportData(store, {
      text: request.text,
      reportId: request.reportId,
      name: request.name,
      tenant: request.tenant,
      period: { from: request.from, to: request.to },
      timezone: request.timezone,
      generatedAt: request.generatedAt,
      generatedBy: request.requestedBy,
      signingKeyId: signingKey.keyId,
      sealKeyConfig: config,
      deployment: config,
    })
    const previous = (await table.list(request.tenant.id, deps.verifyPrevious ?? 5)).filter(
      (r) => r.status === 'ready',
    )
    const integrity = {
      keyId: signingKey.keyId,
      previous: await Promise.all(
        previous.map(async (r) => ({ reportId: r.report_id, ...(await verifyStored(r)) })),
      ),
    }
    const { checks, frameworks, document } = composeReport(data, integrity, request.text)
    const tables = documentTables(document)
    const json = { format: 'mcp-audit-report/1', locale: request.text.locale, ...data, checks, frameworks }
    return { data, params, checks, document, tables, json }
  }

  return {
    async list(tenantId, options = {}) {
      return table.list(tenantId, Math.min(Math.max(options.limit ?? 50, 1), 1000))
    },

    async get(tenantId, reportId) {
      return table.get(tenantId, reportId)
    },

    async generate(request) {
      const tenant = tenantConfig(request.tenantId)
      const formats = [...new Set<ReportFormat>(request.formats ?? ['pdf', 'json'])]
      const unknown = formats.filter((f: string) => !(REPORT_FORMATS as readonly string[]).includes(f))
      if (unknown.length > 0)
        throw new ReportRequestError(`unknown format ${unknown.join(', ')}; use ${REPORT_FORMATS.join(', ')}`)
      const { from, to } = request
      if (!(from.getTime() < to.getTime()))
        throw new ReportRequestError(
          `--from (${from.toISOString()}) must be before --to (${to.toISOString()})`,
        )
      const maxDays = config.reporter.maxPeriodDays
      if (to.getTime() - from.getTime() > maxDays * DAY_MS + DST_HOUR_MS) {
        const days = Math.ceil((to.getTime() - from.getTime()) / DAY_MS)
        throw new ReportRequestError(
          `the period has ${days} days; a report covers at most ${maxDays} (reporter.maxPeriodDays): split the period`,
        )
      }
      const generatedAt = new Date()
      const reportId = newReportId(from)
      const dir = request.outDir
        ? path.resolve(request.outDir, reportId)
        : path.join(tenantDir(tenant.id), reportId)
      const timezone = request.timezone ?? tenant.timezone
      const locale = resolveLocale(request.locale, tenant.locale)
      const name = request.name ?? reportText(locale).report.common.reportName
      const started = performance.now()
      const base: StoredReport = {
        report_id: reportId,
        tenant_id: tenant.id,
        name,
        schedule: request.schedule ?? 'on-demand',
        period_from: from.toISOString(),
        period_to: to.toISOString(),
        timezone,
        formats,
        status: 'failed',
        error: '',
        created_at: generatedAt.toISOString(),
        created_by: request.requestedBy,
        files: [],
        checks: { pass: 0, warn: 0, fail: 0 },
        manifest_sha256: '',
        directory: dir,
        frameworks: tenant.frameworks,
      }
      const audit = (outcome: 'success' | 'error', details: Record<string, unknown>) =>
        selfAudit.record({
          tenantId: tenant.id,
          action: 'report.generate',
          actor: request.requestedBy,
          actorRole: request.requestedByRole ?? 'system',
          outcome,
          resource: `report:${reportId}`,
          durationMs: performance.now() - started,
          details: {
            name,
            from: base.period_from,
            to: base.period_to,
            formats,
            schedule: base.schedule,
            ...details,
          },
        })
      const slot = limits.acquire(tenant.id, { rateLimited: (request.requestedVia ?? 'api') === 'api' })
      try {
        mkdirSync(dir, { recursive: true })
        const rendered = await render({
          tenant,
          reportId,
          name,
          from,
          to,
          timezone,
          requestedBy: request.requestedBy,
          generatedAt,
          text: reportText(locale),
        })
        const files = await writeFiles(dir, formats, rendered)
        const checks = tally(rendered.checks)
        const manifest: ReportManifest = {
          format: 'mcp-audit-report-manifest/1',
          report_id: reportId,
          tenant_id: tenant.id,
          name,
          period: { from: base.period_from, to: base.period_to, timezone },
          generated_at: generatedAt.toISOString(),
          generated_by: request.requestedBy,
          query_parameters: rendered.params,
          row_counts: {
            events: rendered.data.summary.calls,
            ...Object.fromEntries(rendered.tables.map((t) => [t.id, t.rows.length])),
          },
          max_ingested_at: rendered.data.maxIngestedAt,
          checks,
          audit_trail: manifestAuditTrail(
            rendered.data.compliance.auditTrail,
            rendered.checks.find((check) => check.id === AUDIT_TRAIL_CHECK)?.status ?? 'warn',
          ),
          files: files.map(({ name: fileName, kind, bytes, sha256 }) => ({
            name: fileName,
            kind,
            bytes,
            sha256,
          })),
        }
        const signed = signManifest(manifest, signingKey)
        writeFileSync(path.join(dir, MANIFEST_FILE), `${JSON.stringify(signed, null, 2)}\n`)
        const manifestFile = await describeFile(dir, MANIFEST_FILE, 'manifest')
        const record: StoredReport = {
          ...base,
          status: 'ready',
          files: [...files, manifestFile],
          checks,
          manifest_sha256: manifestFile.sha256,
          signature: { key_id: signed.signature.key_id, value: signed.signature.value },
          ready_at: new Date().toISOString(),
        }
        await table.insert(record)
        audit('success', { checks })
        log.info(
          { report_id: reportId, tenant_id: tenant.id, checks, ms: Math.round(performance.now() - started) },
          'report_generated',
        )
        return record
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        log.error({ err, report_id: reportId, tenant_id: tenant.id }, 'report_generation_failed')
        audit('error', { error: message })
        await table.insert({ ...base, error: message }).catch((insertErr: unknown) => {
          log.warn({ err: insertErr, report_id: reportId }, 'report_failure_not_recorded')
        })
        throw err
      } finally {
        slot.release()
      }
    },

    async file(tenantId, reportId, kind, name, actor) {
      const report = await table.get(tenantId, reportId)
      if (!report || report.status !== 'ready') return undefined
      const wanted =
        kind === 'csv'
          ? `${(name ?? 'summary').replace(/\.csv$/, '')}.csv`
          : kind === 'manifest'
            ? MANIFEST_FILE
            : `report.${kind}`
      const file = report.files.find((f) => f.kind === kind && f.name === wanted)
      if (!file) return undefined
      const base = path.resolve(tenantDir(tenantId))
      const target = path.resolve(report.directory, file.name)
      // Only files under the tenant's own report directory are served (not `--out` copies elsewhere).
      if (!target.startsWith(`${base}${path.sep}`)) return undefined
      if (actor) {
        selfAudit.record({
          tenantId,
          action: 'report.download',
          actor: actor.name,
          actorRole: actor.role,
          outcome: 'success',
          resource: `report:${reportId}/${file.name}`,
          ...(actor.sourceIp ? { sourceIp: actor.sourceIp } : {}),
          details: { kind, file: file.name },
        })
      }
      return {
        path: target,
        contentType: CONTENT_TYPES[kind],
        downloadName: `${tenantId}-${reportId}-${file.name}`,
      }
    },

    async verify(tenantId, reportId) {
      const report = await table.get(tenantId, reportId)
      if (!report) return { ok: false, problems: [`no report ${reportId} for tenant ${tenantId}`] }
      if (report.status !== 'ready')
        return { ok: false, problems: [`report ${reportId} failed: ${report.error}`] }
      return verifyStored(report)
    },
  }
}
