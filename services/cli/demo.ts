import type { AppConfig, TenantConfig } from '../../schemas/config.js'
import type { Store } from '../platform/clickhouse.js'
import type { DevTenant } from '../platform/dev-tenant.js'
import type { Logger } from '../platform/logger.js'
import { ALERTS } from '../platform/store/alerts.js'
import { AUDIT_EVENTS } from '../platform/store/audit-events.js'
import { tableName } from '../platform/store/table.js'
import type { Reports } from '../reporter/types.js'
import { isDeepStrictEqual } from 'node:util'
import { DEFAULT_ROLES } from '../../schemas/rbac.js'
import { ResidencyConfig } from '../../schemas/residency.js'
import {
  createTraffic,
  regionOf,
  runSimulation,
  SIM_FORMATS,
  SIMULATED_ROLE_PERMISSIONS,
  type TrafficOptions,
} from '../simulator/index.js'

/**
 * `mcp-audit start --demo`: a simulated day of gateway traffic with every attack scenario, pushed
 * through the running collector like real gateways would, then a signed report over it, so a new
 * user sees data, alerts and a report within a minute of starting.
 */

const DAY_MS = 24 * 3_600_000
const DEMO_CALLS = 6_000
const STORED_TIMEOUT_MS = 90_000

export interface DemoTarget {
  tenantId: string
  timezone: string
  ingestToken: string
}

export interface DemoResult {
  accepted: number
  stored: number
  incidents: number
  alerts: number
  reportId?: string
}

/** The tenant the demo fills: the dev tenant, else the first configured one with a clear-text ingest token. */
export function demoTarget(config: AppConfig, devTenant: DevTenant | undefined): DemoTarget {
  for (const tenant of config.tenants) {
    const ingestToken =
      devTenant?.tenantId === tenant.id
        ? devTenant.ingestToken
        : tenant.tokens.find((token) => token.scope === 'ingest' && token.value)?.value
    if (ingestToken) return { tenantId: tenant.id, timezone: tenant.timezone, ingestToken }
  }
  throw new Error(
    '--demo needs an ingest token it can send with: run without tenants in the config (the dev tenant), ' +
      'or give one tenant an ingest token as `value:` (clear text, dev only)',
  )
}

function demoTraffic(target: DemoTarget, now: number): TrafficOptions {
  return {
    seed: 'mcp-audit-demo',
    tenants: [{ id: target.tenantId, timezone: target.timezone, weight: 1 }],
    // Docker interceptor payloads carry no time of their own, so they cannot replay a past day.
    formats: SIM_FORMATS.filter((format) => format !== 'docker'),
    scenarios: ['all'],
    start: now - DAY_MS,
    compressTime: 1440,
    duration: 60,
    calls: DEMO_CALLS,
    now,
  }
}

/**
 * The config the demo runs with, as the simulated company's operator would configure it: the
 * simulated automation accounts are declared as service accounts (so people-only rules skip them);
 * the demo tenant, unless its config says otherwise, maps the roles the simulated gateways send and
 * allows the one region its servers run in (so its report judges access control and residency
 * instead of warning that nothing is configured); and windowed rules look back over the whole
 * simulated day on their first evaluation instead of the last hour.
 */
export function withDemoSettings(config: AppConfig, target: DemoTarget, now = Date.now()): AppConfig {
  const { serviceAccounts } = createTraffic({ ...demoTraffic(target, now), calls: 0 })
  return {
    ...config,
    pseudonymization: {
      ...config.pseudonymization,
      serviceAccounts: [...new Set([...config.pseudonymization.serviceAccounts, ...serviceAccounts])],
    },
    detector: { ...config.detector, backfillMs: Math.max(config.detector.backfillMs, DAY_MS + 3_600_000) },
    tenants: config.tenants.map((tenant) =>
      tenant.id === target.tenantId ? withDemoPolicies(tenant) : tenant,
    ),
  }
}

function withDemoPolicies(tenant: TenantConfig): TenantConfig {
  const region = regionOf(tenant.timezone)
  return {
    ...tenant,
    residency:
      tenant.residency ?? ResidencyConfig.parse({ allowedRegions: [region], serverRegions: { '*': region } }),
    rbac: isDeepStrictEqual(tenant.rbac.roles, DEFAULT_ROLES)
      ? { ...tenant.rbac, roles: SIMULATED_ROLE_PERMISSIONS }
      : tenant.rbac,
  }
}

async function countRows(store: Store, sql: string, params: Record<string, unknown>): Promise<number> {
  const result = await store.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })
  const [row] = await result.json<{ n: string | number }>()
  return Number(row?.n ?? 0)
}

export async function runDemo(deps: {
  target: DemoTarget
  collectorUrl: string
  store: Store
  reports: Reports
  logger: Logger
  /**
   * Events the normalizer has not yet committed; its in-stream rules run before the commit, so at
   * zero every match rule has seen every stored event.
   */
  uncommitted?: () => Promise<number>
  now?: number
}): Promise<DemoResult> {
  const { target, store, logger } = deps
  const now = deps.now ?? Date.now()
  const summary = await runSimulation({
    ...demoTraffic(target, now),
    url: deps.collectorUrl,
    token: target.ingestToken,
    pace: false,
    batchSize: 250,
  })
  const accepted = summary.http?.accepted ?? 0
  if (accepted === 0) {
    throw new Error(
      `the demo's events were not accepted by ${deps.collectorUrl}: ${summary.http?.sampleErrors.join('; ') || 'no answer'}`,
    )
  }
  const params = {
    tenant: target.tenantId,
    from: Math.floor((now - DAY_MS - 60_000) / 1000),
  }
  const storedSql = `SELECT uniqExact(event_id) AS n FROM ${tableName(store.database, AUDIT_EVENTS)}
    WHERE tenant_id = {tenant:String} AND origin = 'gateway' AND occurred_at >= fromUnixTimestamp({from:UInt32})`
  const deadline = Date.now() + STORED_TIMEOUT_MS
  let stored = await countRows(store, storedSql, params)
  while (stored < accepted && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    stored = await countRows(store, storedSql, params)
  }
  if (stored < accepted) logger.warn({ accepted, stored }, 'demo_events_not_yet_stored')
  if (deps.uncommitted) {
    let left = await deps.uncommitted()
    while (left > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      left = await deps.uncommitted()
    }
    if (left > 0) logger.warn({ uncommitted: left }, 'demo_events_not_yet_inspected')
  }

  let reportId: string | undefined
  try {
    const report = await deps.reports.generate({
      tenantId: target.tenantId,
      from: new Date(now - DAY_MS),
      to: new Date(now),
      requestedBy: 'demo',
      requestedByRole: 'system',
      name: 'demo',
      formats: ['pdf', 'html', 'csv', 'json'],
    })
    reportId = report.report_id
  } catch (err) {
    logger.warn({ err }, 'demo_report_failed')
  }
  const alerts = await countRows(
    store,
    `SELECT count() AS n FROM ${tableName(store.database, ALERTS)} FINAL WHERE tenant_id = {tenant:String}`,
    params,
  )
  return {
    accepted,
    stored,
    incidents: summary.incidents.length,
    alerts,
    ...(reportId ? { reportId } : {}),
  }
}
