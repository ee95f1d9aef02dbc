/**
 * A day of audit rows for the windowed rules, built to fire and not fire at bucket edges: bursts
 * of calls, denials, tool list changes, new servers, clients and regions placed on and around
 * one-minute boundaries (on the boundary, a millisecond before, seconds either side), and gateways
 * that fall silent after a day of heartbeats. Deterministic for a seed.
 */

export type DayRow = Record<string, unknown> & { event_id: string; occurred_at: string }

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** mulberry32: small, seeded, good enough to scatter test events. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export interface DayPlan {
  /** The day's end: heartbeats run from `end - 27 h`; bursts fill [burstsFrom, end). */
  end: number
  burstsFrom: number
  seed: number
}

export function windowedDay({ end, burstsFrom, seed }: DayPlan): DayRow[] {
  const next = random(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const rows: DayRow[] = []
  const add = (ms: number, fields: Record<string, unknown>) => {
    const at = new Date(ms).toISOString()
    rows.push({
      tenant_id: 'acme',
      event_id: `d${String(rows.length).padStart(6, '0')}`,
      occurred_at: at,
      received_at: at,
      gateway: 'gw-busy',
      gateway_format: 'generic',
      method: 'tools/call',
      server_name: 'files',
      tool: 'read_file',
      session_id: '',
      user_id: 'u-base',
      user_id_kind: 'pseudonym',
      status: 'success',
      duration_ms: 12,
      retention_until: '2126-01-01',
      ...fields,
    })
  }

  // Heartbeats: gw-busy all along; gw-stops stops 40 min into the bursts; gw-early was silent
  // before them; gw-thin sends too little yesterday to be missed; tenant beta starts 24.5 h early.
  const start = end - 27 * HOUR
  for (let ms = start; ms < end; ms += 20_000 + Math.floor(next() * 20_000)) {
    add(ms, { gateway: 'gw-busy', client_name: 'claude-desktop' })
    if (ms < burstsFrom + 40 * MINUTE + 7) add(ms + 3, { gateway: 'gw-stops', client_name: 'claude-desktop' })
    if (ms < burstsFrom - 10 * MINUTE) add(ms + 5, { gateway: 'gw-early', client_name: 'cursor' })
    if (next() < 0.03) add(ms + 7, { gateway: 'gw-thin', client_name: 'cursor' })
    if (ms >= end - 24 * HOUR - 90 * MINUTE) {
      add(ms + 9, { tenant_id: 'beta', gateway: 'gw-beta', server_name: 'beta-files', client_name: 'goose' })
    }
  }
  add(end - 24 * HOUR - 90 * MINUTE + 30 * MINUTE, {
    tenant_id: 'beta',
    gateway: 'gw-beta',
    server_name: 'seen-once',
  })
  for (const [hash, server] of [
    ['h1', 'files'],
    ['h1', 'github'],
  ]) {
    add(start + HOUR, { method: 'tools/list', server_name: server, attributes: { tools_list_hash: hash } })
  }

  // Bursts around minute boundaries.
  const offsets = [0, -1, 1, -999, -3_000, 2_500, -20_000, 30_000]
  const servers = ['files', 'github', 'jira', `new-${seed}`]
  for (let boundary = burstsFrom; boundary < end; boundary += MINUTE) {
    if (next() < 0.35) continue
    // A burst's events lie within two seconds of its base, which is on, just before or near the boundary.
    const base = boundary + pick(offsets)
    const around = () => Math.min(end - 1, base + Math.floor(next() * 4_000) - 2_000)
    const user = pick(['u1', 'u2', 'u3'])
    const tenant = next() < 0.8 ? 'acme' : 'beta'
    switch (pick(['anonymous', 'loop', 'errors', 'denials', 'tools', 'novelty', 'slow'] as const)) {
      case 'anonymous':
        for (let i = 0, n = 4 + Math.floor(next() * 14); i < n; i++) {
          add(around(), {
            tenant_id: tenant,
            user_id: '',
            user_id_kind: 'none',
            method: pick(['tools/call', 'resources/read']),
          })
        }
        break
      case 'loop':
        for (let i = 0, n = 40 + Math.floor(next() * 50); i < n; i++) {
          add(around() + i, { tenant_id: tenant, session_id: `s-${user}` })
        }
        break
      case 'errors':
      case 'slow':
        for (let i = 0, n = 10 + Math.floor(next() * 25); i < n; i++) {
          const failed = next() < 0.15
          add(around(), {
            server_name: pick(servers),
            status: failed ? 'error' : 'success',
            error_class: failed ? pick(['server_error', 'timeout', 'invalid_params']) : '',
            duration_ms: next() < 0.1 ? 2_000 + Math.floor(next() * 3_000) : 40,
          })
        }
        break
      case 'denials': {
        const tool = pick(['delete_repo', 'read_secret'])
        for (let i = 0, n = 1 + Math.floor(next() * 4); i < n; i++) {
          add(around(), { tenant_id: tenant, user_id: user, status: 'denied', tool })
        }
        if (next() < 0.5) add(around(), { tenant_id: tenant, user_id: user, tool: 'read_file' })
        if (next() < 0.7) {
          const allowedAt = around() + Math.floor(next() * 12 * MINUTE)
          add(allowedAt, { tenant_id: tenant, user_id: user, tool })
          if (next() < 0.5)
            add(allowedAt + Math.floor(next() * 4 * MINUTE), {
              tenant_id: tenant,
              user_id: user,
              status: 'denied',
              tool,
            })
        }
        break
      }
      case 'tools':
        add(around(), {
          method: 'tools/list',
          server_name: pick(servers),
          attributes: { tools_list_hash: pick(['h1', 'h2', 'h3']) },
        })
        break
      case 'novelty':
        add(around(), {
          tenant_id: tenant,
          server_name: pick(servers),
          client_name: pick(['claude-desktop', 'cursor', `agent-${Math.floor(next() * 4)}`]),
          data_region: pick(['eu-west-1', 'us-east-1', 'ap-south-1']),
          attributes: { region_allowed: pick(['true', 'false']) },
        })
        break
    }
  }
  return rows.filter((row) => Date.parse(row.occurred_at) < end)
}
