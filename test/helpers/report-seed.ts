import type { Store } from '../../services/platform/clickhouse.js'
import { clickhouseTime } from '../../services/platform/store/time.js'

/**
 * A seeded dataset of known content for reporter tests: rows for `audit_events`, `ingest_receipts`
 * and `alerts`, built in JS so tests count the expected figures independently of the SQL.
 */

export interface SeedEvent {
  tenant_id: string
  event_id: string
  occurred_at: string
  received_at: string
  ingested_at: string
  gateway: string
  method: string
  server_name: string
  tool: string
  client_name: string
  user_id: string
  auth_method: string
  source_ip: string
  status: 'success' | 'error' | 'denied' | 'timeout'
  error_class: string
  duration_ms: number | null
  redaction_findings: Record<string, number>
  retention_until: string
}

const HOUR = 3_600_000
const DAY = 86_400_000

export const TOOLS = ['读取文件', 'write_file', 'search', 'run_query']
export const SERVERS = ['文件服务器', 'github', 'postgres']
export const CLIENTS = ['claude-desktop', 'cursor', 'vscode']

export interface SeedOptions {
  tenant: string
  from: Date
  hours: number
  gateways: Array<{ name: string; perHour: number; silentHours?: number[] }>
  /** Days each event is kept (retention_until − event date). */
  keepDays: number
  prefix: string
}

export function seedEvents(options: SeedOptions): SeedEvent[] {
  const events: SeedEvent[] = []
  let i = 0
  for (let h = 0; h < options.hours; h += 1) {
    for (const gateway of options.gateways) {
      if (gateway.silentHours?.includes(h)) continue
      for (let k = 0; k < gateway.perHour; k += 1) {
        const occurred = options.from.getTime() + h * HOUR + k * 60_000 + 1_000
        const status =
          i % 20 === 0 || i % 20 === 1
            ? 'error'
            : i % 25 === 2
              ? 'denied'
              : i % 50 === 3
                ? 'timeout'
                : 'success'
        events.push({
          tenant_id: options.tenant,
          event_id: `${options.prefix}-${i}`,
          occurred_at: clickhouseTime(occurred),
          received_at: clickhouseTime(occurred + 500),
          ingested_at: clickhouseTime(occurred + 1_500),
          gateway: gateway.name,
          method: 'tools/call',
          server_name: SERVERS[i % SERVERS.length]!,
          tool: TOOLS[i % TOOLS.length]!,
          client_name: CLIENTS[i % CLIENTS.length]!,
          user_id: i % 7 === 0 ? '用户-张三' : `pseudo-${i % 5}`,
          auth_method: i % 17 === 0 ? '' : 'oauth2',
          source_ip: i % 9 === 0 ? '' : '10.0.0.1',
          status,
          error_class:
            status === 'error'
              ? i % 20 === 0
                ? 'tool_error'
                : 'server_error'
              : status === 'success'
                ? ''
                : status,
          duration_ms: 10 + (i % 100),
          redaction_findings: i % 11 === 0 ? { email: 2 } : i % 13 === 0 ? { aws_access_key: 1 } : {},
          retention_until: new Date(occurred + options.keepDays * DAY).toISOString().slice(0, 10),
        })
        i += 1
      }
    }
  }
  return events
}

export async function insertEvents(store: Store, rows: SeedEvent[]): Promise<void> {
  await store.client.insert({ table: `${store.database}.audit_events`, values: rows, format: 'JSONEachRow' })
}

/** Receipts as the collector writes them: one row per gateway and minute with the accepted count. */
export async function insertReceipts(
  store: Store,
  events: SeedEvent[],
  adjust: (gateway: string, minute: string, accepted: number) => number = (_g, _m, n) => n,
): Promise<void> {
  const counts = new Map<string, { tenant_id: string; gateway: string; minute: string; accepted: number }>()
  for (const event of events) {
    const minute = `${event.occurred_at.slice(0, 16)}:00`
    const key = `${event.gateway}|${minute}`
    const entry = counts.get(key) ?? {
      tenant_id: event.tenant_id,
      gateway: event.gateway,
      minute,
      accepted: 0,
    }
    entry.accepted += 1
    counts.set(key, entry)
  }
  const values = [...counts.entries()].map(([key, entry]) => ({
    receipt_id: key,
    ...entry,
    accepted: adjust(entry.gateway, entry.minute, entry.accepted),
    received_at: `${entry.minute}.000`,
    rejected: 0,
  }))
  await store.client.insert({ table: `${store.database}.ingest_receipts`, values, format: 'JSONEachRow' })
}

export async function insertAlerts(store: Store, tenant: string, at: Date): Promise<void> {
  const base = {
    tenant_id: tenant,
    rule_kind: 'match',
    tags: [],
    group_key: '',
    group_values: {},
    value: null,
    sample_event_ids: [],
    first_seen: clickhouseTime(at.getTime() + HOUR),
    last_seen: clickhouseTime(at.getTime() + 2 * HOUR),
    created_at: clickhouseTime(at.getTime() + 2 * HOUR),
    updated_at: clickhouseTime(at.getTime() + 2 * HOUR),
    updated_by: 'detector',
  }
  await store.client.insert({
    table: `${store.database}.alerts`,
    format: 'JSONEachRow',
    values: [
      {
        ...base,
        alert_id: 'a1',
        rule_id: 'mcp-secret-in-arguments',
        rule_title: 'Secret in tool arguments',
        severity: 'critical',
        count: 3,
        summary: 'AWS key passed to 读取文件',
        status: 'open',
      },
      {
        ...base,
        alert_id: 'a2',
        rule_id: 'mcp-path-traversal',
        rule_title: 'Path traversal',
        severity: 'high',
        count: 5,
        summary: '../../etc/passwd',
        status: 'resolved',
      },
      {
        ...base,
        alert_id: 'a3',
        rule_id: 'mcp-path-traversal',
        rule_title: 'Path traversal',
        severity: 'medium',
        count: 1,
        summary: '~/.ssh',
        status: 'acknowledged',
      },
    ],
  })
}
