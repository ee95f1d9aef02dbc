import type { ServerSpec } from '../types.js'
import { dateBetween, schema, str, textResult, tool } from './define.js'

const QUERIES = [
  "SELECT date_trunc('day', created_at) AS day, count(*) AS orders FROM orders WHERE created_at > now() - interval '7 days' GROUP BY 1 ORDER BY 1",
  'SELECT status, count(*) FROM payments GROUP BY status',
  'SELECT id, plan, seats FROM accounts ORDER BY seats DESC LIMIT 20',
  'SELECT avg(amount_cents) / 100.0 AS avg_order FROM orders WHERE created_at >= current_date',
  "SELECT count(*) FROM sessions WHERE started_at > now() - interval '1 hour'",
  'EXPLAIN ANALYZE SELECT * FROM orders WHERE customer_id = 4211',
]

export const postgres: ServerSpec = {
  name: 'postgres',
  version: '0.6.2',
  transport: 'stdio',
  roles: ['data-analyst', 'sre', 'support', 'service-account'],
  origin: 'builtin',
  resource: (rng, ctx) => {
    const table = rng.pick(ctx.tenant.world.tables)
    return {
      uri: `postgres://db.${ctx.tenant.domain}/${table}/schema`,
      text: JSON.stringify([
        { column_name: 'id', data_type: 'bigint' },
        { column_name: 'created_at', data_type: 'timestamp with time zone' },
      ]),
    }
  },
  tools: [
    tool({
      name: 'query',
      description: 'Run a read-only SQL query',
      inputSchema: schema({ sql: str() }, ['sql']),
      weight: 1,
      latency: { medianMs: 35, sigma: 0.9 },
      errors: { tool: 0.025, rpc: 0.001, timeout: 0.0005 },
      args: (rng) => ({ sql: rng.pick(QUERIES) }),
      result: (rng) =>
        textResult(
          JSON.stringify(
            Array.from({ length: rng.int(1, 5) }, () => ({
              day: dateBetween(rng, '2026-06-01T00:00:00Z', 120).slice(0, 10),
              count: rng.int(10, 5000),
            })),
            null,
            2,
          ),
        ),
      toolError: (rng) =>
        rng.pick([
          'relation "order_items_v2" does not exist',
          'canceling statement due to statement timeout',
          'column "amount" does not exist',
        ]),
    }),
  ],
}
