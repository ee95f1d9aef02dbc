import type { Store } from '../clickhouse.js'

/**
 * Where the store's tables keep their data, as the engine itself reports it (system.tables,
 * system.storage_policies, system.disks): for each MergeTree table of the database, its storage
 * policy and every disk that policy can write to, with whether the disk is encrypted. Works the
 * same on the embedded engine and on a server (whose user needs to read those system tables).
 */

export interface TableStorage {
  table: string
  policy: string
  disks: Array<{ name: string; type: string; encrypted: boolean }>
}

interface Row {
  table: string
  policy: string
  disk: string
  type: string
  encrypted: number | boolean
}

const QUERY = `
SELECT t.name AS table, t.storage_policy AS policy, d.name AS disk, toString(d.type) AS type, d.is_encrypted AS encrypted
FROM system.tables AS t
INNER JOIN (SELECT policy_name, arrayJoin(disks) AS disk FROM system.storage_policies) AS p ON p.policy_name = t.storage_policy
INNER JOIN system.disks AS d ON d.name = p.disk
WHERE t.database = {database:String} AND t.engine LIKE '%MergeTree%'
ORDER BY table, disk`

export async function queryTableStorage(store: Store): Promise<TableStorage[]> {
  const result = await store.client.query({
    query: QUERY,
    query_params: { database: store.database },
    format: 'JSONEachRow',
  })
  const byTable = new Map<string, TableStorage>()
  for (const row of await result.json<Row>()) {
    const entry = byTable.get(row.table) ?? { table: row.table, policy: row.policy, disks: [] }
    entry.disks.push({ name: row.disk, type: row.type, encrypted: Boolean(Number(row.encrypted)) })
    byTable.set(row.table, entry)
  }
  return [...byTable.values()]
}
