/** Small numeric helpers shared by the benchmarks: percentiles and human-readable numbers. */

/** The p-th percentile (0–100) by nearest rank; NaN for an empty sample. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}

export interface LatencySummary {
  p50: number
  p99: number
  max: number
}

export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort()
  const values = Array.from(sorted)
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: values.at(-1) ?? Number.NaN }
}

/** 1234567 → "1,234,567"; fractions below 100 keep up to three significant digits. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '–'
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US')
  return Number(value.toPrecision(3)).toLocaleString('en-US')
}

export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '–'
  if (value >= 100) return `${Math.round(value).toLocaleString('en-US')} ms`
  return `${Number(value.toPrecision(3))} ms`
}

export function formatPercent(ratio: number): string {
  return Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : '–'
}

/** Rounds to two significant digits, so offered rates read as 4,500 rather than 4,517. */
export function roundRate(value: number): number {
  if (value <= 0) return 0
  const magnitude = 10 ** (Math.floor(Math.log10(value)) - 1)
  return Math.round(value / magnitude) * magnitude
}
