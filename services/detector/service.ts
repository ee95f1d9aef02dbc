import path from 'node:path'
import type { Registry } from 'prom-client'
import type { AuditRow } from '../../schemas/audit-row.js'
import type { AppConfig } from '../../schemas/config.js'
import type { Rule } from '../../schemas/rules.js'
import type { Store } from '../platform/clickhouse.js'
import { accessPolicies } from '../platform/access-policy.js'
import type { Lifecycle } from '../platform/lifecycle.js'
import type { Logger } from '../platform/logger.js'
import { packageRoot } from '../platform/paths.js'
import { createDeliveryOutbox, type DeliveryOutbox } from '../webhooks/index.js'
import { createAlertStore, type AlertStore } from './alerts.js'
import type { AlertCandidate } from './incidents.js'
import { privilegeCandidates } from './privilege-rules.js'
import { loadRules } from './rules/load.js'
import { createStreamDetector, type StreamDetector } from './stream.js'
import { createWindowScheduler, type WindowScheduler } from './windowed/scheduler.js'

export class RulesInvalidError extends Error {
  readonly retryable = false
  constructor(message: string) {
    super(message)
    this.name = 'RulesInvalidError'
  }
}

/** `rules.paths` from the config; the default `rules/` means the pack shipped with mcp-audit. */
export function rulePaths(config: AppConfig): string[] {
  return config.rules.paths.map((entry) =>
    entry === 'rules/' || entry === 'rules' ? path.join(packageRoot(), 'rules') : path.resolve(entry),
  )
}

/** Loads and checks the configured rules; any invalid rule stops the start with every problem listed. */
export function loadConfiguredRules(config: AppConfig): Rule[] {
  const { rules, errors } = loadRules(rulePaths(config))
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.file}${e.ruleId ? ` (${e.ruleId})` : ''} ${e.path}: ${e.message}`)
    throw new RulesInvalidError(
      `invalid detection rules (fix them, or check with \`mcp-audit rules validate\`):\n${lines.join('\n')}`,
    )
  }
  return rules
}

export function consoleUrl(config: AppConfig): string {
  return config.console.publicUrl ?? `http://127.0.0.1:${config.console.port}`
}

export interface DetectorParts {
  rules: Rule[]
  alerts: AlertStore
  outbox: DeliveryOutbox
  stream: StreamDetector
}

/**
 * The alert store and the outbox its new alerts are enqueued to (not started: the detector's
 * delivery loop sends what any process enqueued). For processes that raise built-in alerts only,
 * such as the exporter alone.
 */
export function createAlertRecorder(options: {
  config: AppConfig
  store: Store
  logger: Logger
  registry: Registry
}): { alerts: AlertStore; outbox: DeliveryOutbox } {
  const { config, store, registry } = options
  const logger = options.logger.child({ component: 'detector' })
  const outbox = createDeliveryOutbox({
    store,
    webhooks: config.alerts.webhooks,
    allowPrivateNetworks: config.alerts.allowPrivateNetworks,
    consoleUrl: consoleUrl(config),
    logger,
    registry,
    delivers: ['alert.fired'],
  })
  const alerts = createAlertStore({
    store,
    logger,
    consoleUrl: consoleUrl(config),
    onNewAlert: (alert) => outbox.enqueueAlert(alert),
  })
  return { alerts, outbox }
}

/**
 * The pieces every process that detects needs: rules, the alert store, and the outbox that new
 * alerts are enqueued to. The normalizer uses `stream` on stored rows; the detector process also
 * runs the windowed scheduler and the delivery loop (see startDetector).
 */
export function createDetectorParts(options: {
  config: AppConfig
  store: Store
  logger: Logger
  registry: Registry
}): DetectorParts {
  const logger = options.logger.child({ component: 'detector' })
  const rules = loadConfiguredRules(options.config)
  const { alerts, outbox } = createAlertRecorder(options)
  const policies = accessPolicies(options.config.tenants)
  const stream = createStreamDetector(rules, alerts, logger, (rows) => privilegeCandidates(rows, policies.of))
  return { rules, alerts, outbox, stream }
}

export interface DetectorHandle {
  parts: DetectorParts
  scheduler: WindowScheduler
  /** For the normalizer's `onRowsStored`. */
  inspectRows: (rows: readonly AuditRow[]) => Promise<void>
}

/** The windowed-rule scheduler of the configured rules, recording what it finds as alerts (not started). */
export function createDetectorScheduler(options: {
  config: AppConfig
  store: Store
  logger: Logger
  parts: DetectorParts
}): WindowScheduler {
  const { config, store, parts, logger } = options
  return createWindowScheduler({
    store,
    rules: parts.rules,
    lagMs: config.detector.lagMs,
    intervalMs: config.detector.intervalMs,
    backfillMs: config.detector.backfillMs,
    maxWindowsPerTick: config.detector.maxWindowsPerTick,
    logger,
    // One record() per range: the buckets' candidates in order, as one bucket after another would.
    onCandidates: async (rule, found) => {
      const candidates: AlertCandidate[] = found
        .flatMap(({ rows }) => rows)
        .map((row) => ({
          rule,
          tenantId: row.tenant_id,
          group: row.group,
          count: row.count,
          value: row.value,
          firstSeen: new Date(row.first_seen),
          lastSeen: new Date(row.last_seen),
          sampleEventIds: row.sample_event_ids,
        }))
      await parts.alerts.record(candidates)
    },
  })
}

/**
 * Windowed rules on a schedule with watermarks, plus webhook delivery; stops in reverse order.
 * `parts` are shared with the normalizer's in-stream detection when both run in one process;
 * `scheduleWindows: false` leaves the windowed rules to the caller's `scheduler.runOnce` (tests
 * that replay a day at chosen times).
 */
export function startDetector(options: {
  config: AppConfig
  store: Store
  logger: Logger
  registry: Registry
  lifecycle: Lifecycle
  parts?: DetectorParts
  scheduleWindows?: boolean
}): DetectorHandle {
  const { config, store, lifecycle } = options
  const logger = options.logger.child({ component: 'detector' })
  const parts = options.parts ?? createDetectorParts(options)
  parts.outbox.start()
  lifecycle.register('detector-delivery', () => parts.outbox.stop())
  lifecycle.health.register('detector-delivery', () => parts.outbox.health())
  const scheduler = createDetectorScheduler({ config, store, logger, parts })
  if (options.scheduleWindows !== false) {
    scheduler.start()
    lifecycle.register('detector-scheduler', () => scheduler.stop())
  }
  lifecycle.health.register('detector-scheduler', scheduler.health)
  logger.info(
    {
      rules: parts.rules.length,
      stream_rules: parts.stream.ruleCount,
      webhooks: config.alerts.webhooks.length,
    },
    'detector_started',
  )
  return {
    parts,
    scheduler,
    inspectRows: async (rows) => {
      await parts.stream.inspect(rows)
    },
  }
}
