import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../platform/config.js'
import { ReportLimitError } from './errors.js'
import { createGenerationLimits, LOCK_FILE } from './limits.js'

const HOUR = 3_600_000

let root: string
let clock: number
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-limits-'))
  clock = Date.parse('2026-11-01T00:00:00Z')
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const limits = (maxPerHour = 3) =>
  createGenerationLimits({ root, maxPerHour, staleAfterMs: 30 * 60_000, now: () => clock })

function refusal(fn: () => unknown): ReportLimitError {
  try {
    fn()
  } catch (err) {
    if (err instanceof ReportLimitError) return err
    throw err
  }
  throw new Error('expected a ReportLimitError')
}

const lockOf = (tenant: string) => path.join(root, tenant, LOCK_FILE)
const writeLock = (tenant: string, owner: object | string) => {
  mkdirSync(path.join(root, tenant), { recursive: true })
  writeFileSync(lockOf(tenant), typeof owner === 'string' ? owner : JSON.stringify(owner))
}

describe('report generation limits', () => {
  it('let one generation per tenant run at a time, and the next after it is released', () => {
    const tenantLimits = limits()
    const first = tenantLimits.acquire('acme', { rateLimited: false })
    const busy = refusal(() => tenantLimits.acquire('acme', { rateLimited: false }))
    expect(busy.kind).toBe('busy')
    expect(busy.retryAfterSeconds).toBeGreaterThan(0)
    expect(busy.message).toMatch(
      /^a report of tenant "acme" is being generated since 2026-11-01T00:00:00.000Z; one at a time/,
    )
    const other = tenantLimits.acquire('globex', { rateLimited: false })
    first.release()
    tenantLimits.acquire('acme', { rateLimited: false }).release()
    other.release()
  })

  it('hold across instances sharing the directory (another process of the same data dir)', () => {
    const held = limits().acquire('acme', { rateLimited: false })
    expect(refusal(() => limits().acquire('acme', { rateLimited: false })).kind).toBe('busy')
    held.release()
    expect(() => readFileSync(lockOf('acme'))).toThrow()
  })

  it('refuse past maxPerHour with the wait until the oldest start leaves the hour', () => {
    const tenantLimits = limits(3)
    for (const minutes of [0, 10, 20]) {
      clock = Date.parse('2026-11-01T00:00:00Z') + minutes * 60_000
      tenantLimits.acquire('acme', { rateLimited: true }).release()
    }
    clock += 5 * 60_000
    const rate = refusal(() => tenantLimits.acquire('acme', { rateLimited: true }))
    expect(rate.kind).toBe('rate')
    expect(rate.retryAfterSeconds).toBe(35 * 60)
    expect(rate.message).toContain('reporter.maxPerHour')
    // Not counted and not refused: an operator's or a schedule's report; another tenant.
    tenantLimits.acquire('acme', { rateLimited: false }).release()
    tenantLimits.acquire('globex', { rateLimited: true }).release()
    clock = Date.parse('2026-11-01T00:00:00Z') + HOUR
    tenantLimits.acquire('acme', { rateLimited: true }).release()
    expect(refusal(() => tenantLimits.acquire('acme', { rateLimited: true })).kind).toBe('rate')
  })

  it('do not count a start refused because another one runs', () => {
    const tenantLimits = limits(1)
    const held = limits().acquire('acme', { rateLimited: false })
    expect(refusal(() => tenantLimits.acquire('acme', { rateLimited: true })).kind).toBe('busy')
    held.release()
    tenantLimits.acquire('acme', { rateLimited: true }).release()
  })

  it('take over a lock whose process is gone, is older than staleAfterMs, or is an earlier process with our pid', () => {
    const host = os.hostname()
    writeLock('acme', { pid: 2 ** 22 + 17, host, process: 'gone', started_at: clock })
    limits().acquire('acme', { rateLimited: false }).release()

    writeLock('acme', {
      pid: process.ppid,
      host: 'elsewhere',
      process: 'far',
      started_at: clock - 31 * 60_000,
    })
    limits().acquire('acme', { rateLimited: false }).release()

    writeLock('acme', { pid: process.pid, host, process: 'before-restart', started_at: clock })
    limits().acquire('acme', { rateLimited: false }).release()

    writeLock('acme', 'not json')
    limits().acquire('acme', { rateLimited: false }).release()
  })

  it('keep a live lock of another process, here or on another host', () => {
    const host = os.hostname()
    writeLock('acme', { pid: process.ppid, host, process: 'parent', started_at: clock - 60_000 })
    expect(refusal(() => limits().acquire('acme', { rateLimited: false })).kind).toBe('busy')
    writeLock('acme', { pid: 2 ** 22 + 17, host: 'elsewhere', process: 'far', started_at: clock })
    expect(refusal(() => limits().acquire('acme', { rateLimited: false })).kind).toBe('busy')
  })
})

describe('reporter limits in the config', () => {
  const schedule = { name: 'monthly', tenant: 'acme', schedule: '0 6 1 * *', period: 'last-month' }

  it('default to 400 days per report and kept, 30 API reports per tenant and hour', () => {
    expect(parseConfig({}).reporter).toMatchObject({ maxPeriodDays: 400, keepDays: 400, maxPerHour: 30 })
  })

  it('refuse at start a schedule whose period is longer than reporter.maxPeriodDays, naming both', () => {
    const config = { tenants: [{ id: 'acme' }], reports: [schedule], reporter: { maxPeriodDays: 30 } }
    expect(() => parseConfig(config)).toThrow(ConfigError)
    expect(() => parseConfig(config)).toThrow(
      /reports\.0\.period: last-month covers up to 31 days, more than reporter\.maxPeriodDays \(30\)/,
    )
    expect(parseConfig({ ...config, reporter: { maxPeriodDays: 31 } }).reports).toHaveLength(1)
  })
})
