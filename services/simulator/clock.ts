import { zoneOffsetMs } from '../platform/time-zone.js'

/** Local time of day in a tenant's zone, cached per UTC hour (zone offsets change on hour boundaries). */

const offsets = new Map<string, number>()

/** Minutes to add to UTC to get the zone's local time at `ms`. */
export function zoneOffsetMinutes(timezone: string, ms: number): number {
  const hour = Math.floor(ms / 3_600_000)
  const key = `${timezone}\u0000${hour}`
  const cached = offsets.get(key)
  if (cached !== undefined) return cached
  const offset = Math.round(zoneOffsetMs(new Date(hour * 3_600_000), timezone) / 60_000)
  if (offsets.size > 200_000) offsets.clear()
  offsets.set(key, offset)
  return offset
}

export interface LocalTime {
  /** Hour of the day as a decimal, 0 <= hour < 24. */
  hour: number
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number
}

export function localTime(timezone: string, ms: number): LocalTime {
  const local = ms + zoneOffsetMinutes(timezone, ms) * 60_000
  const day = new Date(local)
  return {
    hour: day.getUTCHours() + day.getUTCMinutes() / 60 + day.getUTCSeconds() / 3600,
    weekday: day.getUTCDay(),
  }
}

export function isWeekend(time: LocalTime): boolean {
  return time.weekday === 0 || time.weekday === 6
}

/** Outside 07:00–20:00 on a weekday, or any time at the weekend: what off-hours rules look for. */
export function isOffHours(time: LocalTime): boolean {
  return isWeekend(time) || time.hour < 7 || time.hour >= 20
}

export function isoMs(timeUs: number): string {
  return new Date(Math.floor(timeUs / 1000)).toISOString()
}

/** ISO 8601 with microseconds, as Rust and Go gateways write it. */
export function isoUs(timeUs: number): string {
  const ms = Math.floor(timeUs / 1000)
  const micros = String(Math.floor(timeUs) % 1000).padStart(3, '0')
  return `${new Date(ms).toISOString().slice(0, 23)}${micros}Z`
}

export function unixNanos(timeUs: number): string {
  return `${Math.floor(timeUs)}000`
}
