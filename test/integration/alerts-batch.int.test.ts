import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlertRow } from '../../schemas/alert.js'
import { Rule } from '../../schemas/rules.js'
import { changeAlertStatus } from '../../services/console/alert-actions.js'
import { createAlertStore } from '../../services/detector/alerts.js'
import { alertId, type AlertCandidate } from '../../services/detector/incidents.js'
import type { Store } from '../../services/platform/clickhouse.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { openTestStore, queryRows, type TestStore } from '../helpers/store.js'

const logger = createLogger({ level: 'silent' })
const rules = ['batch-a', 'batch-b'].map((id) =>
  Rule.parse({ id, title: `Batch ${id}`, severity: 'high', match: { field: 'tool', equals: 'read_file' } }),
)
const USERS = 25
const SEEDED_USERS = 10

function candidate(tenantId: string, rule: Rule, user: string, at: Date, eventId: string): AlertCandidate {
  return {
    rule,
    tenantId,
    group: { user_id: user },
    count: 1,
    value: null,
    firstSeen: at,
    lastSeen: at,
    sampleEventIds: [eventId],
  }
}

/** One earlier event per rule and seeded user at 10:00, the incidents a batch finds existing. */
function seeds(tenantId: string, rule: Rule): AlertCandidate[] {
  return Array.from({ length: SEEDED_USERS }, (_, user) =>
    candidate(tenantId, rule, `u${user}`, new Date('2026-11-24T10:00:00Z'), `seed-${rule.id}-u${user}`),
  )
}

/**
 * 2,000 matches over 50 incidents (two rules, 25 users) from 10:30 to 11:20, across the 11:00
 * bucket boundary; the first ones redeliver seeded events.
 */
function batch(tenantId: string): AlertCandidate[] {
  return Array.from({ length: 2_000 }, (_, index) => {
    const rule = rules[index % 2]!
    const user = Math.floor(index / 2) % USERS
    const eventId = index < 20 ? `seed-${rule.id}-u${user % SEEDED_USERS}` : `e-${index}`
    return candidate(
      tenantId,
      rule,
      `u${user}`,
      new Date(Date.parse('2026-11-24T10:30:00Z') + index * 1_500),
      eventId,
    )
  })
}

/** The store with every client.query counted (inserts go through client.insert). */
function countingQueries(store: Store): { store: Store; queries: () => number } {
  let queries = 0
  const client = new Proxy(store.client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (property === 'query' && typeof value === 'function') {
        return (...args: unknown[]) => {
          queries += 1
          return Reflect.apply(value, target, args) as unknown
        }
      }
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { store: { ...store, client }, queries: () => queries }
}

type Incident = Omit<AlertRow, 'alert_id' | 'tenant_id' | 'created_at' | 'updated_at'>

async function incidents(store: Store, tenantId: string): Promise<Incident[]> {
  const rows = await queryRows<AlertRow>(
    store,
    `SELECT * FROM ${store.database}.alerts FINAL WHERE tenant_id = {tenant:String}
     ORDER BY rule_id, group_key, first_seen`,
    { tenant: tenantId },
  )
  return rows.map(
    ({ alert_id: _id, tenant_id: _tenant, created_at: _created, updated_at: _updated, ...rest }) => ({
      ...rest,
      count: Number(rest.count),
    }),
  )
}

describe('alert store with large batches on the embedded engine', () => {
  let store: TestStore

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
  })
  afterAll(async () => {
    await store.dispose()
  })

  /**
   * Seeds one tenant: rule A's incidents through `alerts` itself (cached there), rule B's through
   * another process's store (not cached), then an analyst acknowledges one cached incident.
   */
  async function seed(tenantId: string, alerts: ReturnType<typeof createAlertStore>): Promise<void> {
    const other = createAlertStore({
      store,
      logger,
      consoleUrl: 'http://console',
      onNewAlert: () => Promise.resolve(),
    })
    await alerts.record(seeds(tenantId, rules[0]!))
    await other.record(seeds(tenantId, rules[1]!))
    const acknowledged = alertId(seeds(tenantId, rules[0]!)[0]!)
    expect(
      await changeAlertStatus(store, tenantId, acknowledged, 'acknowledge', 'analyst@example.com'),
    ).toMatchObject({
      kind: 'ok',
    })
  }

  it('records 2,000 candidates with a bounded number of queries, as calls of any size would', async () => {
    const counted = countingQueries(store)
    const announced = { batch: 0, split: 0 }
    const alertStore = (target: Store, tenant: keyof typeof announced) =>
      createAlertStore({
        store: target,
        logger,
        consoleUrl: 'http://console',
        onNewAlert: () => {
          announced[tenant] += 1
          return Promise.resolve()
        },
      })

    const split = alertStore(store, 'split')
    await seed('split', split)
    // Calls of 1, 2, 3, ... candidates: call boundaries everywhere, without 2,000 round trips.
    const candidates = batch('split')
    for (let start = 0, size = 1; start < candidates.length; start += size, size += 1) {
      await split.record(candidates.slice(start, start + size))
    }

    const batched = alertStore(counted.store, 'batch')
    await seed('batch', batched)
    const before = counted.queries()
    await batched.record(batch('batch'))
    // The incidents it may touch that are not cached (its own, then the previous bucket's of
    // those without one), the triage of the cached ones it updates.
    expect(counted.queries() - before).toBeLessThanOrEqual(3)

    const expected = await incidents(store, 'split')
    expect(await incidents(store, 'batch')).toEqual(expected)
    expect(announced.batch).toBe(announced.split)
    // What any split gives: 50 incidents, the seeded ones joined across 11:00, the
    // acknowledged one still acknowledged, redelivered seed events not counted again.
    expect(expected).toHaveLength(2 * USERS)
    expect(expected.filter((row) => row.status === 'acknowledged')).toEqual([
      expect.objectContaining({
        rule_id: 'batch-a',
        group_values: { user_id: 'u0' },
        updated_by: 'analyst@example.com',
      }),
    ])
    expect(expected.reduce((sum, row) => sum + row.count, 0)).toBe(2 * SEEDED_USERS + 2_000 - 20)
  })
})
