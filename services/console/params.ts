import { z } from 'zod'

/** Query-string parsing for the read API: one zod schema per endpoint, errors name the parameter. */

const DAY_MS = 86_400_000

const Instant = z
  .string()
  .trim()
  .refine((value) => !Number.isNaN(parseInstant(value)), {
    message: 'must be an ISO 8601 time (2026-11-24T10:00:00Z) or epoch milliseconds',
  })
  .transform((value) => new Date(parseInstant(value)))

function parseInstant(value: string): number {
  return /^\d{10,16}$/.test(value) ? Number(value) : Date.parse(value)
}

const Optional = z
  .string()
  .trim()
  .max(512)
  .optional()
  .transform((value) => (value === '' ? undefined : value))

export const STATUSES = ['success', 'error', 'denied', 'timeout'] as const
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const

function listOf<T extends string>(values: readonly T[], name: string) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined
      const items = value.split(',').map((item) => item.trim())
      for (const item of items) {
        if (!values.includes(item as T)) {
          ctx.addIssue({ code: 'custom', message: `${name} "${item}" is not one of ${values.join(', ')}` })
          return z.NEVER
        }
      }
      return items as T[]
    })
}

const Range = z
  .object({ from: Instant.optional(), to: Instant.optional() })
  .transform(({ from, to }) => {
    const end = to ?? new Date()
    return { from: from ?? new Date(end.getTime() - DAY_MS), to: end }
  })
  .refine((range) => range.from.getTime() < range.to.getTime(), { message: 'from must be before to' })

export const SummaryQuery = Range

/** `GET /integrity`: without `from`/`to`, the whole sealed trail. */
export const IntegrityQuery = z
  .object({ from: Instant.optional(), to: Instant.optional() })
  .refine(({ from, to }) => !from || !to || from.getTime() < to.getTime(), {
    message: 'from must be before to',
  })

export const EventsQuery = z
  .object({
    server: Optional,
    tool: Optional,
    user: Optional,
    status: listOf(STATUSES, 'status'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: Optional,
  })
  .and(Range)

export const AlertsQuery = z
  .object({
    severity: listOf(SEVERITIES, 'severity'),
    status: listOf(ALERT_STATUSES, 'status'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .and(
    z.object({ from: Instant.optional(), to: Instant.optional() }).transform(({ from, to }) => {
      const end = to ?? new Date()
      return { from: from ?? new Date(end.getTime() - 30 * DAY_MS), to: end }
    }),
  )

export interface EventCursor {
  occurredAt: string
  eventId: string
}

/** Keyset pagination: the position of the last row shown, opaque to clients. */
export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(JSON.stringify([cursor.occurredAt, cursor.eventId])).toString('base64url')
}

export function decodeCursor(value: string): EventCursor | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(parsed[0])
    ) {
      return { occurredAt: parsed[0], eventId: parsed[1] }
    }
  } catch {
    // fall through: not a cursor we issued
  }
  return undefined
}

/** ISO 8601 from ClickHouse's `YYYY-MM-DD hh:mm:ss.sss` (UTC). */
export function isoTime(value: string): string {
  if (value.includes('T')) return value
  return `${value.replace(' ', 'T')}${/[Z+]|-\d\d:?\d\d$/.test(value) ? '' : 'Z'}`
}

/** A bucket width that yields at most ~120 points over the range. */
export function bucketSeconds(from: Date, to: Date): number {
  const span = (to.getTime() - from.getTime()) / 1000
  const steps = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400]
  return steps.find((step) => span / step <= 120) ?? 30 * 86_400
}

export function issues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ')
}
