import cron, { type ScheduledTask } from 'node-cron'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AppConfig } from '../../schemas/config.js'
import { healthy, unhealthy, type Health } from '../platform/health.js'
import type { Logger } from '../platform/logger.js'
import { ReportLimitError } from './errors.js'
import type { ReportNotifier } from './notify.js'
import { previousPeriod, type Period } from './period.js'
import type { ReportsTable } from './report-store.js'
import type { GenerateRequest, ReportRecord, Reports } from './types.js'

/**
 * Scheduled reports with node-cron (the expressions were checked when the config was parsed). Runs never overlap: every run goes through one queue (the
 * embedded engine serves one query at a time anyway) and a schedule whose run is still queued or
 * running skips the next tick. A period already reported (by a catch-up or a restart) is not
 * generated twice. At start, the latest fire time of each schedule within `catchUpDays` is
 * looked up, and its period generated if the reports table does not have it: a missed run
 * after downtime is caught up once. A run that finds another report of its tenant being generated
 * (one at a time per tenant) waits for it and tries again.
 */

type Schedule = AppConfig['reports'][number]

export interface ReportScheduler {
  /** Schedules every configured report and catches up missed runs (in the background). */
  start(): void
  stop(): Promise<void>
  /** Runs one schedule for the period ending before `at` (tests, catch-up); undefined when skipped. */
  run(name: string, at: Date): Promise<ReportRecord | undefined>
  /** The latest instant at or before `now` the schedule fired, within `days`. */
  lastFire(name: string, now: Date, days: number): Date | undefined
  /** Resolves when queued runs are done. */
  idle(): Promise<void>
  /** Unhealthy while one run takes longer than a report can (a stuck query or render). */
  health(): Health
}

export interface SchedulerDeps {
  config: AppConfig
  reports: Reports
  table: ReportsTable
  notifier: ReportNotifier
  logger: Logger
  /** How long a run waits before trying again while its tenant's slot is taken. */
  busyRetryMs?: number
}

const MINUTE_MS = 60_000
const STUCK_AFTER_MS = 30 * MINUTE_MS

export function createReportScheduler(deps: SchedulerDeps): ReportScheduler {
  const { config, reports, table, notifier } = deps
  const log = deps.logger.child({ component: 'reporter' })
  const tasks = new Map<string, ScheduledTask>()
  const busy = new Set<string>()
  let queue: Promise<unknown> = Promise.resolve()
  let stopped = false
  let runStartedAt: number | undefined

  const byName = (name: string): Schedule => {
    const schedule = config.reports.find((s) => s.name === name)
    if (!schedule) throw new Error(`no report schedule named "${name}"`)
    return schedule
  }

  async function generate(schedule: Schedule, period: Period): Promise<ReportRecord | undefined> {
    const existing = await table.findScheduled(schedule.tenant, schedule.name, period.from, period.to)
    if (existing) {
      log.info({ schedule: schedule.name, report_id: existing.report_id }, 'report_period_already_generated')
      return undefined
    }
    const request: GenerateRequest = {
      tenantId: schedule.tenant,
      from: period.from,
      to: period.to,
      formats: schedule.formats,
      requestedBy: 'scheduler',
      requestedByRole: 'system',
      requestedVia: 'scheduler',
      name: schedule.name,
      schedule: schedule.name,
      timezone: schedule.timezone,
      ...(schedule.locale ? { locale: schedule.locale } : {}),
    }
    const waitingSince = Date.now()
    let record: ReportRecord | undefined
    while (!record) {
      try {
        record = await reports.generate(request)
      } catch (err) {
        if (!(err instanceof ReportLimitError) || stopped || Date.now() - waitingSince > STUCK_AFTER_MS)
          throw err
        log.info({ schedule: schedule.name, reason: err.message }, 'scheduled_report_waiting')
        await sleep(deps.busyRetryMs ?? err.retryAfterSeconds * 1000)
      }
    }
    if (schedule.deliver.length > 0) await notifier.notify(record, schedule.deliver)
    return record
  }

  function run(name: string, at: Date): Promise<ReportRecord | undefined> {
    const schedule = byName(name)
    const period = previousPeriod(schedule.period, at, schedule.timezone)
    const key = `${name}\u0000${period.from.toISOString()}`
    if (busy.has(key)) {
      log.warn({ schedule: name, period_from: period.from.toISOString() }, 'report_run_skipped_overlap')
      return Promise.resolve(undefined)
    }
    busy.add(key)
    const result = queue.then(async () => {
      if (stopped) return undefined
      runStartedAt = Date.now()
      try {
        return await generate(schedule, period)
      } finally {
        runStartedAt = undefined
      }
    })
    queue = result
      .catch((err: unknown) => log.error({ err, schedule: name }, 'scheduled_report_failed'))
      .finally(() => busy.delete(key))
    return result
  }

  function lastFire(name: string, now: Date, days: number): Date | undefined {
    const schedule = byName(name)
    const task =
      tasks.get(name) ?? cron.createTask(schedule.schedule, () => undefined, { timezone: schedule.timezone })
    let minute = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS
    const limit = now.getTime() - days * 86_400_000
    for (; minute >= limit; minute -= MINUTE_MS) {
      if (task.match(new Date(minute))) return new Date(minute)
    }
    return undefined
  }

  return {
    start() {
      for (const schedule of config.reports) {
        const task = cron.createTask(
          schedule.schedule,
          (context) => {
            void run(schedule.name, context.date).catch(() => undefined)
          },
          { timezone: schedule.timezone, name: `report-${schedule.name}`, noOverlap: true },
        )
        tasks.set(schedule.name, task)
        void task.start()
        const fired = lastFire(schedule.name, new Date(), config.reporter.catchUpDays)
        if (fired) {
          log.info({ schedule: schedule.name, fired_at: fired.toISOString() }, 'report_catch_up_check')
          void run(schedule.name, fired).catch(() => undefined)
        }
      }
      log.info({ schedules: config.reports.map((s) => s.name) }, 'report_schedules_started')
    },
    async stop() {
      stopped = true
      for (const task of tasks.values()) await task.destroy()
      tasks.clear()
      await queue.catch(() => undefined)
    },
    run,
    lastFire,
    async idle() {
      await queue.catch(() => undefined)
    },
    health() {
      if (runStartedAt === undefined || Date.now() - runStartedAt <= STUCK_AFTER_MS) return healthy
      return unhealthy(
        `a scheduled report has run for ${Math.round((Date.now() - runStartedAt) / 60_000)} min`,
      )
    },
  }
}
