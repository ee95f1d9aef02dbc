import type { ResidencyConfig } from '../../schemas/residency.js'
import { DERIVED_ATTRIBUTES } from '../../schemas/audit-row.js'
import type { Store } from '../platform/clickhouse.js'
import type { ResidencyFacts, TransportFacts } from './data.js'
import { num, periodEvents, queryRows, type ReportParams } from './query.js'

/**
 * Where the period's gateway calls ran (`data_region`) and whether they were encrypted (`tls`), as
 * stored: the gateway's word, else the tenant's configuration (normalizer step place). Unknown
 * stays unknown here; the checks decide what it means.
 */

/** Rows of the outside-region and unknown lists kept in the report; totals are always complete. */
const MAX_ROWS = 200

function gatewayCalls(database: string): string {
  return `${periodEvents(database)} AND origin = 'gateway'`
}

export async function queryResidency(
  store: Store,
  params: ReportParams,
  residency: ResidencyConfig | undefined,
): Promise<ResidencyFacts> {
  const regions = await queryRows<{ region: string; calls: string }>(
    store,
    `SELECT data_region AS region, count() AS calls FROM ${gatewayCalls(store.database)}
     GROUP BY region ORDER BY calls DESC, region`,
    params,
  )
  const unknownServers = await queryRows<{ server: string; calls: string }>(
    store,
    `SELECT server_name AS server, count() AS calls FROM ${gatewayCalls(store.database)} AND data_region = ''
     GROUP BY server ORDER BY calls DESC, server LIMIT ${MAX_ROWS}`,
    params,
  )
  const allowed = residency?.allowedRegions ?? []
  // Region names cannot hold a comma (schemas/residency.ts), so one String parameter carries the list.
  const outside =
    allowed.length === 0
      ? []
      : await queryRows<{ server: string; tool: string; region: string; calls: string }>(
          store,
          `SELECT server_name AS server, if(tool != '', tool, method) AS tool, data_region AS region,
                  count() AS calls
           FROM ${gatewayCalls(store.database)}
             AND data_region != '' AND NOT has(splitByChar(',', {allowed:String}), data_region)
           GROUP BY server, tool, region ORDER BY calls DESC, server, tool, region`,
          { ...params, allowed: allowed.join(',') },
        )
  const byRegion = regions.map((row) => ({ region: row.region, calls: num(row.calls) }))
  return {
    allowedRegions: residency ? allowed : null,
    unknownWarnShare: residency?.unknownWarnShare ?? 0,
    calls: byRegion.reduce((sum, row) => sum + row.calls, 0),
    unknownCalls: byRegion.find((row) => row.region === '')?.calls ?? 0,
    regions: byRegion.filter((row) => row.region !== ''),
    unknownServers: unknownServers.map((row) => ({ server: row.server, calls: num(row.calls) })),
    outsideCalls: outside.reduce((sum, row) => sum + num(row.calls), 0),
    outside: outside.slice(0, MAX_ROWS).map((row) => ({
      server: row.server,
      tool: row.tool,
      region: row.region,
      calls: num(row.calls),
    })),
  }
}

export async function queryTransport(store: Store, params: ReportParams): Promise<TransportFacts> {
  const rows = await queryRows<{ server: string; tls: boolean | null; calls: string; exposed: string }>(
    store,
    `SELECT server_name AS server, tls, count() AS calls,
            countIf(attributes[{loopback:String}] != 'true') AS exposed
     FROM ${gatewayCalls(store.database)}
     GROUP BY server, tls ORDER BY calls DESC, server`,
    { ...params, loopback: DERIVED_ATTRIBUTES.serverLoopback },
  )
  const total = (filter: (row: (typeof rows)[number]) => boolean) =>
    rows.filter(filter).reduce((sum, row) => sum + num(row.calls), 0)
  return {
    calls: total(() => true),
    tlsCalls: total((row) => row.tls === true),
    plaintextCalls: total((row) => row.tls === false),
    unknownCalls: total((row) => row.tls === null),
    plaintextServers: rows
      .filter((row) => row.tls === false)
      .slice(0, MAX_ROWS)
      .map((row) => ({ server: row.server, calls: num(row.calls), nonLoopbackCalls: num(row.exposed) })),
    unknownServers: rows
      .filter((row) => row.tls === null)
      .slice(0, MAX_ROWS)
      .map((row) => ({ server: row.server, calls: num(row.calls) })),
  }
}
