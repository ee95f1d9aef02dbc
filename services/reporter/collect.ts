import type { AppConfig, TenantConfig } from '../../schemas/config.js'
import type { Store } from '../platform/clickhouse.js'
import { clickhouseTime } from '../platform/store/time.js'
import { collectAuditTrail } from './audit-trail.js'
import type { ReportData } from './data.js'
import { retentionRequirement } from './frameworks.js'
import { periodLabel } from './document.js'
import type { ReportText } from './i18n/index.js'
import { precedingPeriod, type Period } from './period.js'
import { queryAccess } from './queries-access.js'
import { querySummary, queryLatency, queryTop, queryVolume } from './queries-activity.js'
import { queryCompleteness, queryRecordContent, queryRetention, queryReview } from './queries-compliance.js'
import { queryResidency, queryTransport } from './queries-residency.js'
import { querySecurity } from './queries-security.js'
import { collectStorageEncryption } from './storage-encryption.js'
import type { ReportParams } from './query.js'

/** Runs every query of a report (sequentially: the embedded engine serves one at a time anyway). */

export interface CollectRequest {
  reportId: string
  name: string
  tenant: TenantConfig
  period: Period
  timezone: string
  generatedAt: Date
  generatedBy: string
  signingKeyId: string
  /** Where the trusted seal key is found, to verify the period's sealed audit trail. */
  sealKeyConfig: Pick<AppConfig, 'dataDir' | 'integrity'>
  /** The report's language, for the period label. */
  text: ReportText
  /** The running deployment's Kafka settings, for the storage-encryption check. */
  deployment: Pick<AppConfig, 'kafka'>
}

export function reportParams(tenantId: string, period: Period, timezone: string): ReportParams {
  const previous = precedingPeriod(period)
  return {
    tenant: tenantId,
    from: clickhouseTime(period.from),
    to: clickhouseTime(period.to),
    prev_from: clickhouseTime(previous.from),
    prev_to: clickhouseTime(previous.to),
    tz: timezone,
  }
}

export async function collectReportData(
  store: Store,
  request: CollectRequest,
): Promise<{ data: ReportData; params: ReportParams }> {
  const { tenant, period, timezone } = request
  const params = reportParams(tenant.id, period, timezone)
  const previous = precedingPeriod(period)
  const current = await querySummary(store, params, 'period')
  const before = await querySummary(store, params, 'previous')
  const tops = {
    tools: await queryTop(store, params, 'tools'),
    servers: await queryTop(store, params, 'servers'),
    clients: await queryTop(store, params, 'clients'),
    users: await queryTop(store, params, 'users'),
  }
  const latency = await queryLatency(store, params)
  const volume = await queryVolume(store, params, period)
  const security = await querySecurity(store, params)
  const requirement = retentionRequirement(tenant.frameworks, tenant.retention.minDays)
  const retention = await queryRetention(store, params, {
    requiredDays: requirement.days,
    maxDays: tenant.retention.maxDays,
  })
  const completeness = await queryCompleteness(store, params, period)
  const { recordContent, lag } = await queryRecordContent(store, params)
  const review = await queryReview(store, params, period, request.generatedAt)
  const auditTrail = await collectAuditTrail(store, request.sealKeyConfig, tenant.id, period)
  const residency = await queryResidency(store, params, tenant.residency)
  const transport = await queryTransport(store, params)
  const access = await queryAccess(store, params, tenant.rbac)
  const storageEncryption = await collectStorageEncryption(store, request.deployment)
  const data: ReportData = {
    reportId: request.reportId,
    name: request.name,
    tenant: { id: tenant.id, timezone, frameworks: tenant.frameworks, retention: tenant.retention },
    period: {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      timezone,
      label: periodLabel(period.from, period.to, timezone, request.text),
    },
    previousPeriod: { from: previous.from.toISOString(), to: previous.to.toISOString() },
    generatedAt: request.generatedAt.toISOString(),
    generatedBy: request.generatedBy,
    signingKeyId: request.signingKeyId,
    maxIngestedAt: current.maxIngestedAt,
    summary: current.summary,
    previous: before.summary,
    tops,
    latency,
    volume,
    security,
    compliance: {
      retention,
      completeness: { ...completeness, ...lag },
      recordContent,
      review,
      auditTrail,
      residency,
      transport,
      storageEncryption,
    },
    access,
  }
  return { data, params }
}
