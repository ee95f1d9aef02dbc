import { isWeekend, localTime, type LocalTime } from './clock.js'
import type { Rng } from './rng.js'
import type { SimUser, TenantSpec } from './types.js'

/**
 * When calls happen. Each tenant's traffic follows its people's working hours in its own zone (none at
 * night or at weekends, a dip at lunch) plus a steady trickle from its automations. The simulated span
 * is cut into cells; the n calls are placed by inverting the cumulative intensity (stratified, so times
 * increase with the call index). Sending stays at a constant rate; only the simulated clock bends.
 */

/** Automations' share relative to a fully staffed office hour. */
export const SERVICE_LEVEL = 0.05
const LUNCH_DIP = 0.6

/** Fraction of a tenant's people at work at a local time, for shifts drawn like `population.ts` draws them. */
export function humanLevel(time: LocalTime, shifts: ReadonlyArray<SimUser['shift']>): number {
  if (isWeekend(time) || shifts.length === 0) return 0
  let working = 0
  for (const shift of shifts) if (time.hour >= shift.start && time.hour < shift.end) working++
  const dip = time.hour >= 12 && time.hour < 13.5 ? LUNCH_DIP : 1
  return (working / shifts.length) * dip
}

/** Shifts sampled the way people's are, to shape the curve before the population is sized. */
export function sampleShifts(rng: Rng, count = 240): Array<SimUser['shift']> {
  return Array.from({ length: count }, () => {
    const start = 7.5 + rng.next() * 2
    return { start, end: Math.min(19, start + 8 + rng.next() * 1.5) }
  })
}

export interface TenantIntensity {
  human: number
  service: number
}

export class Timeline {
  readonly cellMs: number
  private readonly cells: TenantIntensity[][]
  private readonly totals: Float64Array
  private readonly cumulative: Float64Array
  private readonly humanCumulative: Float64Array

  constructor(
    readonly startMs: number,
    readonly spanMs: number,
    readonly tenants: readonly TenantSpec[],
    shifts: ReadonlyArray<SimUser['shift']>,
  ) {
    const count = Math.min(50_000, Math.max(1, Math.ceil(spanMs / 60_000)))
    this.cellMs = spanMs / count
    this.cells = []
    this.totals = new Float64Array(count)
    this.cumulative = new Float64Array(count + 1)
    this.humanCumulative = new Float64Array(count + 1)
    for (let k = 0; k < count; k++) {
      const mid = startMs + (k + 0.5) * this.cellMs
      const row = tenants.map((tenant) => {
        const weight = tenant.weight ?? 1
        return {
          human: weight * humanLevel(localTime(tenant.timezone, mid), shifts),
          service: weight * SERVICE_LEVEL,
        }
      })
      this.cells.push(row)
      this.totals[k] = row.reduce((sum, cell) => sum + cell.human + cell.service, 0)
      this.cumulative[k + 1] = this.cumulative[k]! + this.totals[k]! * this.cellMs
      const people = row.reduce((sum, cell) => sum + cell.human, 0)
      this.humanCumulative[k + 1] = this.humanCumulative[k]! + people * this.cellMs
    }
  }

  get endMs(): number {
    return this.startMs + this.spanMs
  }

  private cellIndex(ms: number): number {
    const k = Math.floor((ms - this.startMs) / this.cellMs)
    return Math.min(this.cells.length - 1, Math.max(0, k))
  }

  /** Each tenant's human and automation intensity at `ms` (relative units). */
  intensityAt(ms: number): readonly TenantIntensity[] {
    return this.cells[this.cellIndex(ms)]!
  }

  /**
   * Calls per simulated minute for each tenant at `ms`, when `count` calls fill the span.
   * Sessions are sized from this so no benign session calls a tool at a runaway pace.
   */
  perMinuteAt(ms: number, count: number): TenantIntensity[] {
    const scale = (count * 60_000) / Math.max(this.cumulative[this.cells.length]!, Number.MIN_VALUE)
    return this.intensityAt(ms).map((cell) => ({ human: cell.human * scale, service: cell.service * scale }))
  }

  /** The busiest minute of each tenant over the span, for `count` calls. */
  peakPerMinute(count: number): TenantIntensity[] {
    const peak = this.tenants.map(() => ({ human: 0, service: 0 }))
    for (let k = 0; k < this.cells.length; k++) {
      const row = this.perMinuteAt(this.startMs + (k + 0.5) * this.cellMs, count)
      row.forEach((cell, index) => {
        peak[index]!.human = Math.max(peak[index]!.human, cell.human)
        peak[index]!.service = Math.max(peak[index]!.service, cell.service)
      })
    }
    return peak
  }

  /**
   * The time by which `fraction` of the span's working time (people at work, all tenants) has passed;
   * undefined when nobody works during the span. Scenarios acted by people are placed with it.
   */
  workingQuantile(fraction: number): number | undefined {
    const total = this.humanCumulative[this.cells.length]!
    if (total <= 0) return undefined
    const target = Math.min(1, Math.max(0, fraction)) * total
    let k = 0
    while (k < this.cells.length - 1 && this.humanCumulative[k + 1]! <= target) k++
    const people = (this.humanCumulative[k + 1]! - this.humanCumulative[k]!) / this.cellMs
    const within = people > 0 ? (target - this.humanCumulative[k]!) / people : 0
    return this.startMs + k * this.cellMs + Math.min(this.cellMs, within)
  }

  /** Times (µs since the epoch) of `count` calls, increasing, following the intensity. */
  *slots(count: number, rng: Rng): Generator<number> {
    const total = this.cumulative[this.cells.length]!
    let k = 0
    for (let i = 0; i < count; i++) {
      const target = ((i + rng.next()) / count) * total
      while (k < this.cells.length - 1 && this.cumulative[k + 1]! <= target) k++
      const within = this.totals[k]! > 0 ? (target - this.cumulative[k]!) / this.totals[k]! : 0
      const ms = this.startMs + k * this.cellMs + Math.min(this.cellMs, Math.max(0, within))
      yield Math.floor(ms * 1000)
    }
  }
}
