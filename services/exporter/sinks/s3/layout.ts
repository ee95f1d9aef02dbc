import type { ExportEvent } from '../../../../schemas/export-record.js'

/**
 * Where an S3 sink puts things, and how a batch becomes objects.
 *
 *   <prefix><tenant>/date=YYYY-MM-DD/hour=HH/<partition>-<first offset>-<last offset>-<count>.<parquet|ndjson.gz>
 *   <prefix>manifests/<tenant>/date=YYYY-MM-DD/hour=HH.json
 *
 * The hour is the events' stored time (`ingested_at`, UTC). An object holds one tenant's records
 * of one hour from one raw-topic partition, in offset order. Its name says which positions it
 * holds, so the name fixes the content: rows below the pipeline's committed offsets are final,
 * and the continuous export reads every row of its tenants between two positions. The exporter
 * sends at least once: the batch it sends again after a crash starts at the same checkpoint, and
 * when it holds the same rows it is written under the same names, replacing the objects written
 * before the crash. When more rows had been committed meanwhile, the batch is longer, its objects
 * get other names and the archive holds the difference's overlap twice (readers drop repeats by
 * `id`); a name is never reused for other content, so no write can lose a record. Splitting by
 * size is greedy from the first record, so the same records split at the same places.
 */

export type ArchiveFormat = 'parquet' | 'ndjson'

/** One tenant's hour: what a manifest covers. */
export interface Period {
  tenant: string
  /** The hour's start, epoch milliseconds (UTC). */
  hourMs: number
}

export const HOUR_MS = 3_600_000

const EXTENSIONS: Record<ArchiveFormat, string> = { parquet: 'parquet', ndjson: 'ndjson.gz' }

export function periodOf(tenant: string, storedMs: number): Period {
  return { tenant, hourMs: Math.floor(storedMs / HOUR_MS) * HOUR_MS }
}

export function periodId(period: Period): string {
  return `${period.tenant}/${hourPath(period.hourMs)}`
}

function hourPath(hourMs: number): string {
  const iso = new Date(hourMs).toISOString()
  return `date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`
}

/** The folder of a period's objects, ending in "/". */
export function periodFolder(prefix: string, period: Period): string {
  return `${prefix}${periodId(period)}/`
}

/** The positions an object holds: one partition, first and last offset, how many records. */
export interface ObjectSpan {
  partition: number
  first: number
  last: number
  count: number
}

export function objectKey(prefix: string, period: Period, span: ObjectSpan, format: ArchiveFormat): string {
  const name = `${span.partition}-${span.first}-${span.last}-${span.count}`
  return `${periodFolder(prefix, period)}${name}.${EXTENSIONS[format]}`
}

export function manifestKey(prefix: string, period: Period): string {
  return `${prefix}manifests/${period.tenant}/${hourPath(period.hourMs)}.json`
}

const HOUR = String.raw`date=(\d{4}-\d{2}-\d{2})/hour=(\d{2})`
const TENANT = '([a-z0-9][a-z0-9_-]{0,62})'
const OBJECT_KEY = new RegExp(`^${TENANT}/${HOUR}/(\\d+)-(\\d+)-(\\d+)-(\\d+)\\.(parquet|ndjson\\.gz)$`)
const MANIFEST_KEY = new RegExp(`^manifests/${TENANT}/${HOUR}\\.json$`)

function hourOf(date: string, hour: string): number | undefined {
  const ms = Date.parse(`${date}T${hour}:00:00Z`)
  return Number.isNaN(ms) ? undefined : ms
}

/** What an object key under the prefix names; undefined for a key the sink does not write. */
export function parseObjectKey(
  prefix: string,
  key: string,
): { period: Period; span: ObjectSpan } | undefined {
  if (!key.startsWith(prefix)) return undefined
  const match = OBJECT_KEY.exec(key.slice(prefix.length))
  if (!match) return undefined
  const [, tenant, date, hour, partition, first, last, count] = match as unknown as string[]
  const hourMs = hourOf(date!, hour!)
  if (hourMs === undefined) return undefined
  return {
    period: { tenant: tenant!, hourMs },
    span: { partition: Number(partition), first: Number(first), last: Number(last), count: Number(count) },
  }
}

export function parseManifestKey(prefix: string, key: string): Period | undefined {
  if (!key.startsWith(prefix)) return undefined
  const match = MANIFEST_KEY.exec(key.slice(prefix.length))
  if (!match) return undefined
  const [, tenant, date, hour] = match as unknown as string[]
  const hourMs = hourOf(date!, hour!)
  return hourMs === undefined ? undefined : { tenant: tenant!, hourMs }
}

/** One object to write: records of one tenant, hour and partition, in offset order. */
export interface ObjectPlan {
  period: Period
  partition: number
  records: ExportEvent[]
  /** Each record as one line of JSON (without the newline). */
  lines: string[]
  bytes: number
}

export function spanOf(plan: ObjectPlan): ObjectSpan {
  return {
    partition: plan.partition,
    first: plan.records[0]!.position.offset,
    last: plan.records[plan.records.length - 1]!.position.offset,
    count: plan.records.length,
  }
}

/**
 * The objects of a batch: its records grouped by tenant, stored hour and partition (in offset
 * order), each group cut greedily into runs of at most `maxBytes` of JSON lines (one record at
 * least per object).
 */
export function planObjects(records: readonly ExportEvent[], maxBytes: number): ObjectPlan[] {
  const groups = new Map<string, ExportEvent[]>()
  for (const record of records) {
    const period = periodOf(record.tenant_id, Date.parse(record.ingested_at))
    const id = `${periodId(period)}#${record.position.partition}`
    const group = groups.get(id)
    if (group) group.push(record)
    else groups.set(id, [record])
  }
  const plans: ObjectPlan[] = []
  for (const group of groups.values()) {
    group.sort((a, b) => a.position.offset - b.position.offset)
    let current: ObjectPlan | undefined
    for (const record of group) {
      const line = JSON.stringify(record)
      const size = Buffer.byteLength(line) + 1
      if (!current || current.bytes + size > maxBytes) {
        current = {
          period: periodOf(record.tenant_id, Date.parse(record.ingested_at)),
          partition: record.position.partition,
          records: [],
          lines: [],
          bytes: 0,
        }
        plans.push(current)
      }
      current.records.push(record)
      current.lines.push(line)
      current.bytes += size
    }
  }
  return plans
}
