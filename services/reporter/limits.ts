import { randomUUID } from 'node:crypto'
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ReportLimitError } from './errors.js'

/**
 * What a tenant may start: one generation at a time, and through the console API at most
 * `maxPerHour` in any hour. The one-at-a-time rule is a lock file in the tenant's report directory
 * (`.generating`), so it holds across processes sharing the data directory (the console, the
 * reporter and `mcp-audit report`). A lock whose process is gone, or older than `staleAfterMs`
 * (a generation that long is stuck), is taken over. The hourly count lives in this process, where
 * the console API is served.
 */

export const LOCK_FILE = '.generating'
const HOUR_MS = 3_600_000
/** What a refused caller is told to wait when another report of the tenant is being generated. */
const BUSY_RETRY_SECONDS = 30

export interface GenerationSlot {
  release(): void
}

export interface GenerationLimits {
  /** Takes the tenant's slot or throws ReportLimitError; `rateLimited` counts it against `maxPerHour`. */
  acquire(tenantId: string, options: { rateLimited: boolean }): GenerationSlot
}

interface LockOwner {
  pid: number
  host: string
  process: string
  started_at: number
}

/** Identifies this process among earlier ones that had the same pid (a restarted container). */
const PROCESS_ID = randomUUID()

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockOwner
  } catch {
    return undefined
  }
}

export function createGenerationLimits(options: {
  root: string
  maxPerHour: number
  staleAfterMs: number
  now?: () => number
}): GenerationLimits {
  const now = options.now ?? Date.now
  const started = new Map<string, number[]>()

  const stale = (owner: LockOwner | undefined): boolean => {
    if (!owner || typeof owner.started_at !== 'number') return true
    if (now() - owner.started_at > options.staleAfterMs) return true
    if (owner.host !== os.hostname()) return false
    if (owner.pid === process.pid) return owner.process !== PROCESS_ID
    return !alive(owner.pid)
  }

  function lock(tenantId: string): GenerationSlot {
    const dir = path.join(options.root, tenantId)
    const file = path.join(dir, LOCK_FILE)
    mkdirSync(dir, { recursive: true })
    for (let attempt = 0; attempt < 2; attempt += 1) {
      let fd: number
      try {
        fd = openSync(file, 'wx')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
        const owner = readOwner(file)
        if (attempt === 0 && stale(owner)) {
          rmSync(file, { force: true })
          continue
        }
        const since = owner ? ` since ${new Date(owner.started_at).toISOString()}` : ''
        throw new ReportLimitError(
          'busy',
          `a report of tenant "${tenantId}" is being generated${since}; one at a time per tenant: retry when it is done`,
          BUSY_RETRY_SECONDS,
        )
      }
      const owner: LockOwner = {
        pid: process.pid,
        host: os.hostname(),
        process: PROCESS_ID,
        started_at: now(),
      }
      writeSync(fd, JSON.stringify(owner))
      closeSync(fd)
      let released = false
      return {
        release() {
          if (released) return
          released = true
          if (readOwner(file)?.process === PROCESS_ID) rmSync(file, { force: true })
        },
      }
    }
    throw new Error(`could not take ${file}`)
  }

  return {
    acquire(tenantId, { rateLimited }) {
      const recent = (started.get(tenantId) ?? []).filter((at) => now() - at < HOUR_MS)
      started.set(tenantId, recent)
      if (rateLimited && recent.length >= options.maxPerHour) {
        const retryAfter = Math.max(1, Math.ceil((recent[0]! + HOUR_MS - now()) / 1000))
        throw new ReportLimitError(
          'rate',
          `tenant "${tenantId}" started ${recent.length} reports in the last hour, the limit of reporter.maxPerHour; retry in ${retryAfter} s`,
          retryAfter,
        )
      }
      const slot = lock(tenantId)
      if (rateLimited) recent.push(now())
      return slot
    },
  }
}
