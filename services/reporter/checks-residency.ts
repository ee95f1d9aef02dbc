import type { Check } from './check.js'
import type { ResidencyFacts, TransportFacts } from './data.js'

/**
 * `data-residency` and `transport-encryption`: where the period's gateway calls ran and whether they
 * travelled encrypted. A call whose region or TLS flag neither the gateway nor the configuration
 * says counts as unknown, never as compliant.
 */

export const DATA_RESIDENCY_CHECK = 'data-residency'
export const TRANSPORT_ENCRYPTION_CHECK = 'transport-encryption'

const MAX_LINES = 12

const count = (n: number) => n.toLocaleString('en-US')
const calls = (n: number) => `${count(n)} call${n === 1 ? '' : 's'}`
const pct = (share: number) => `${(share * 100).toFixed(2)}%`

function capped(lines: string[], more: (n: number) => string): string[] {
  return lines.length <= MAX_LINES ? lines : [...lines.slice(0, MAX_LINES), more(lines.length - MAX_LINES)]
}

function serverList(servers: ReadonlyArray<{ server: string; calls: number }>): string {
  const shown = servers.slice(0, MAX_LINES).map((row) => `${row.server} (${count(row.calls)})`)
  return servers.length > MAX_LINES
    ? `${shown.join(', ')}, … ${servers.length - MAX_LINES} more`
    : shown.join(', ')
}

export function residencyCheck(facts: ResidencyFacts): Check {
  const id = DATA_RESIDENCY_CHECK
  const title = 'Calls ran in the allowed regions (data residency)'
  const regions = facts.regions.map((row) => `${row.region}: ${calls(row.calls)}`).join(', ') || 'none known'
  const unknownShare = facts.calls === 0 ? 0 : facts.unknownCalls / facts.calls
  const unknownLine =
    facts.unknownCalls > 0
      ? [
          `${calls(facts.unknownCalls)} (${pct(unknownShare)}) of unknown region, by server: ${serverList(facts.unknownServers)}; set tenants[].residency.serverRegions or gatewayRegions for them`,
        ]
      : []
  if (facts.allowedRegions === null) {
    return {
      id,
      title,
      status: 'warn',
      summary: 'no residency policy: tenants[].residency.allowedRegions is not set for this tenant',
      evidence: [`regions of the period's calls: ${regions}`, ...unknownLine],
    }
  }
  const allowed = `allowed regions: ${facts.allowedRegions.join(', ')}`
  if (facts.outsideCalls > 0) {
    const servers = new Set(facts.outside.map((row) => row.server))
    const outsideRegions = [...new Set(facts.outside.map((row) => row.region))]
    return {
      id,
      title,
      status: 'fail',
      summary: `${calls(facts.outsideCalls)} ran outside the allowed regions, in ${outsideRegions.join(', ')}, on ${count(servers.size)} server${servers.size === 1 ? '' : 's'}: ${[...servers].join(', ')}`,
      evidence: [
        allowed,
        ...capped(
          facts.outside.map(
            (row) =>
              `outside: server ${row.server}, tool ${row.tool}, region ${row.region}: ${calls(row.calls)}`,
          ),
          (n) => `… and ${n} more server, tool and region combinations (see report.json)`,
        ),
        ...unknownLine,
      ],
    }
  }
  if (facts.unknownCalls > 0 && unknownShare > facts.unknownWarnShare) {
    return {
      id,
      title,
      status: 'warn',
      summary: `${calls(facts.unknownCalls)} (${pct(unknownShare)}) have no known region, above the ${pct(facts.unknownWarnShare)} allowed unknown`,
      evidence: [allowed, `regions of the period's calls: ${regions}`, ...unknownLine],
    }
  }
  return {
    id,
    title,
    status: 'pass',
    summary:
      facts.calls === 0
        ? 'no gateway calls in the period'
        : `every call of known region ran in an allowed region (${calls(facts.calls - facts.unknownCalls)})`,
    evidence: [allowed, `regions of the period's calls: ${regions}`, ...unknownLine],
  }
}

export function transportCheck(facts: TransportFacts): Check {
  const id = TRANSPORT_ENCRYPTION_CHECK
  const title = 'Calls to MCP servers travel over TLS (PCI DSS 4.2.1, HIPAA 164.312(e), ISO 27001 A.8.24)'
  const share = facts.calls === 0 ? 0 : facts.tlsCalls / facts.calls
  const exposed = facts.plaintextServers.filter((row) => row.nonLoopbackCalls > 0)
  const exposedCalls = exposed.reduce((sum, row) => sum + row.nonLoopbackCalls, 0)
  const tally = `${pct(share)} of ${calls(facts.calls)} over TLS; ${count(facts.plaintextCalls)} in clear, ${count(facts.unknownCalls)} unknown`
  const evidence = [
    tally,
    ...capped(
      facts.plaintextServers.map(
        (row) =>
          `plaintext: server ${row.server}: ${calls(row.calls)}${row.nonLoopbackCalls === row.calls ? '' : row.nonLoopbackCalls === 0 ? ' (loopback)' : ` (${count(row.nonLoopbackCalls)} not on loopback)`}`,
      ),
      (n) => `… and ${n} more plaintext servers (see report.json)`,
    ),
    ...(facts.unknownCalls > 0
      ? [
          `unknown TLS, by server: ${serverList(facts.unknownServers)}; have the gateway report the upstream scheme or set tenants[].serverTls`,
        ]
      : []),
  ]
  if (exposed.length > 0) {
    return {
      id,
      title,
      status: 'fail',
      summary: `${calls(exposedCalls)} went in clear to ${count(exposed.length)} server${exposed.length === 1 ? '' : 's'} not on loopback: ${exposed.map((row) => row.server).join(', ')}`,
      evidence,
    }
  }
  if (facts.unknownCalls > 0) {
    return {
      id,
      title,
      status: 'warn',
      summary: `${calls(facts.unknownCalls)} (${pct(facts.unknownCalls / facts.calls)}) without TLS information; ${pct(share)} known to be over TLS`,
      evidence,
    }
  }
  return {
    id,
    title,
    status: 'pass',
    summary:
      facts.calls === 0
        ? 'no gateway calls in the period'
        : facts.plaintextCalls > 0
          ? `${tally}; plaintext only to loopback servers`
          : `all ${calls(facts.calls)} over TLS`,
    evidence,
  }
}
