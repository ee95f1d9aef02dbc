import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Rule } from '../../schemas/rules.js'
import { createAlertStore } from '../../services/detector/alerts.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { openTestStore, queryRows, type TestStore } from '../helpers/store.js'

const logger = createLogger({ level: 'silent' })
const rule = Rule.parse({
  id: 'test-match',
  title: 'Test match rule',
  severity: 'high',
  match: { field: 'tool', equals: 'read_file' },
})

/** An alert store that notes the id of every incident it announces. */
function announcingStore(store: TestStore, announced: string[]) {
  return createAlertStore({
    store,
    logger,
    consoleUrl: 'http://console',
    onNewAlert: (alert) => {
      announced.push(alert.alert_id)
      return Promise.resolve()
    },
  })
}

describe('alert store on the embedded engine', () => {
  let store: TestStore

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
  })
  afterAll(async () => {
    await store.dispose()
  })

  it('stores every incident even after another insert set a deduplication token on the session', async () => {
    // The normalizer's writer sets a token on each insert; the embedded engine keeps it for the session.
    await store.client.insert({
      table: `${store.database}.ingest_receipts`,
      values: [
        {
          receipt_id: 'r',
          tenant_id: 't',
          gateway: 'g',
          minute: '2026-11-24 10:00:00',
          received_at: '2026-11-24 10:00:00',
          accepted: 1,
          rejected: 0,
        },
      ],
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: 'sticky-token' },
    })
    const announced: string[] = []
    const alerts = announcingStore(store, announced)
    for (const user of ['u1', 'u2', 'u3']) {
      const at = new Date('2026-11-24T10:00:00Z')
      await alerts.record([
        {
          rule,
          tenantId: 'acme',
          group: { user_id: user },
          count: 1,
          value: null,
          firstSeen: at,
          lastSeen: at,
          sampleEventIds: [`e-${user}`],
        },
      ])
    }
    // The same event again is a redelivery: no new incident, no new notification.
    const at = new Date('2026-11-24T10:00:00Z')
    await alerts.record([
      {
        rule,
        tenantId: 'acme',
        group: { user_id: 'u1' },
        count: 1,
        value: null,
        firstSeen: at,
        lastSeen: at,
        sampleEventIds: ['e-u1'],
      },
    ])
    expect(announced).toHaveLength(3)
    const rows = await queryRows<{ n: number }>(
      store,
      `SELECT count() AS n FROM ${store.database}.alerts FINAL`,
    )
    expect(Number(rows[0]!.n)).toBe(3)
  })

  it('keeps events just past a suppression bucket boundary in the open incident, across batches', async () => {
    const announced: string[] = []
    const alerts = announcingStore(store, announced)
    // The default suppression window is an hour: 10:59:50 and 11:00:10 fall in two buckets.
    const event = (id: string, at: string) => ({
      rule,
      tenantId: 'straddle',
      group: { user_id: 'u1' },
      count: 1,
      value: null,
      firstSeen: new Date(at),
      lastSeen: new Date(at),
      sampleEventIds: [id],
    })
    await alerts.record([event('s-1', '2026-11-24T10:59:50Z')])
    await alerts.record([event('s-2', '2026-11-24T11:00:10Z')])
    // Redelivered, and from a fresh store that has nothing cached: still the one incident.
    const restarted = announcingStore(store, announced)
    await restarted.record([event('s-2', '2026-11-24T11:00:10Z')])
    // Well past the window after the last event: a new incident.
    await restarted.record([event('s-3', '2026-11-24T12:30:00Z')])
    const rows = await queryRows<{ count: string; first_seen: string; last_seen: string }>(
      store,
      `SELECT count, first_seen, last_seen FROM ${store.database}.alerts FINAL
       WHERE tenant_id = 'straddle' ORDER BY first_seen`,
    )
    expect(announced).toHaveLength(2)
    expect(rows.map((row) => Number(row.count))).toEqual([2, 1])
    expect(rows[0]!.last_seen).toMatch(/^2026-11-24 11:00:10/)
  })

  it('keeps nothing of a record that failed to store, so its retry stores the incident', async () => {
    // The engine refuses the next insert once (as under a transient store failure); reads go through.
    let refuseNextInsert = true
    const client = new Proxy(store.client, {
      get(target, property, receiver) {
        if (property === 'insert' && refuseNextInsert) {
          return () => {
            refuseNextInsert = false
            return Promise.reject(new Error('Code: 252. DB::Exception: Too many parts (test)'))
          }
        }
        const value: unknown = Reflect.get(target, property, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const announced: string[] = []
    const alerts = announcingStore({ ...store, client }, announced)
    const at = new Date('2026-11-24T10:00:00Z')
    const candidate = {
      rule,
      tenantId: 'retry',
      group: { user_id: 'u1' },
      count: 1,
      value: null,
      firstSeen: at,
      lastSeen: at,
      sampleEventIds: ['r-1'],
    }
    await expect(alerts.record([candidate])).rejects.toThrow(/Too many parts/)
    // The writer retries its afterInsert with the same rows: the same event, now stored.
    expect(await alerts.record([candidate])).toBe(1)
    const rows = await queryRows<{ alert_id: string; count: string }>(
      store,
      `SELECT alert_id, count FROM ${store.database}.alerts FINAL WHERE tenant_id = 'retry'`,
    )
    expect(rows.map((row) => Number(row.count))).toEqual([1])
    // Announced on each attempt with the same id; the outbox keeps one delivery per id and webhook.
    expect(new Set(announced)).toEqual(new Set([rows[0]!.alert_id]))
  })

  it('keeps a burst across a window boundary of a threshold rule in one incident', async () => {
    const burst = Rule.parse({
      id: 'test-burst',
      title: 'Test burst',
      severity: 'medium',
      threshold: {
        where: { field: 'status', equals: 'denied' },
        group_by: ['tenant_id', 'user_id'],
        window: '10m',
        aggregate: { type: 'count' },
        op: 'gte',
        value: 5,
      },
    })
    const announced: string[] = []
    const alerts = announcingStore(store, announced)
    // Denials from 10:09 to 10:11: the windows 10:00-10:10 and 10:10-10:20 both reach the threshold.
    const window = (start: string, count: number) => ({
      rule: burst,
      tenantId: 'burst',
      group: { tenant_id: 'burst', user_id: 'u1' },
      count,
      value: count,
      firstSeen: new Date(start),
      lastSeen: new Date(new Date(start).getTime() + 600_000),
      sampleEventIds: [],
    })
    await alerts.record([window('2026-11-24T10:00:00Z', 8)])
    await alerts.record([window('2026-11-24T10:10:00Z', 12)])
    const rows = await queryRows<{ count: string; last_seen: string }>(
      store,
      `SELECT count, last_seen FROM ${store.database}.alerts FINAL WHERE tenant_id = 'burst'`,
    )
    expect(announced).toHaveLength(1)
    expect(rows.map((row) => Number(row.count))).toEqual([12])
    expect(rows[0]!.last_seen).toMatch(/^2026-11-24 10:20:00/)
  })
})
