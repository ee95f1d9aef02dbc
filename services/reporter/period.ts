/**
 * Report periods in a tenant's time zone: whole local days, ISO weeks (Monday to Monday) and
 * calendar months, as UTC instants [from, to). Daylight-saving days are 23 or 25 hours long.
 */

import { localParts, zoneOffsetMs, type LocalParts } from '../platform/time-zone.js'

export type PeriodKind = 'last-day' | 'last-week' | 'last-month'

export interface Period {
  from: Date
  to: Date
}

type LocalDate = Pick<LocalParts, 'year' | 'month' | 'day'>

/** The instant local midnight starts `date` in `timeZone`. */
export function localMidnight(date: LocalDate, timeZone: string): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day)
  let instant = guess - zoneOffsetMs(new Date(guess), timeZone)
  // A second pass settles days where the offset changes between the guess and the answer.
  instant = guess - zoneOffsetMs(new Date(instant), timeZone)
  return new Date(instant)
}

function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days))
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() }
}

/** The complete period of `kind` that ended most recently at `at`, in `timeZone`. */
export function previousPeriod(kind: PeriodKind, at: Date, timeZone: string): Period {
  const today = localParts(at, timeZone)
  const date: LocalDate = { year: today.year, month: today.month, day: today.day }
  switch (kind) {
    case 'last-day':
      return { from: localMidnight(addDays(date, -1), timeZone), to: localMidnight(date, timeZone) }
    case 'last-week': {
      const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()
      const monday = addDays(date, -((weekday + 6) % 7))
      return { from: localMidnight(addDays(monday, -7), timeZone), to: localMidnight(monday, timeZone) }
    }
    case 'last-month': {
      const first: LocalDate = { year: date.year, month: date.month, day: 1 }
      const previous: LocalDate =
        date.month === 1
          ? { year: date.year - 1, month: 12, day: 1 }
          : { year: date.year, month: date.month - 1, day: 1 }
      return { from: localMidnight(previous, timeZone), to: localMidnight(first, timeZone) }
    }
  }
}

/** The period of the same length just before `period`, for "change against the previous period". */
export function precedingPeriod(period: Period): Period {
  const length = period.to.getTime() - period.from.getTime()
  return { from: new Date(period.from.getTime() - length), to: period.from }
}

/** `2026-11-01 00:00` in `timeZone`, for covers and tables. */
export function formatLocal(instant: Date, timeZone: string, withTime = true): string {
  const p = localParts(instant, timeZone)
  const pad = (n: number) => String(n).padStart(2, '0')
  const day = `${p.year}-${pad(p.month)}-${pad(p.day)}`
  return withTime ? `${day} ${pad(p.hour)}:${pad(p.minute)}` : day
}
