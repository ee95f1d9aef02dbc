import type { Check } from './check.js'
import type { ResidencyFacts, TransportFacts } from './data.js'
import type { ReportText } from './i18n/index.js'

/**
 * `data-residency` and `transport-encryption`: where the period's gateway calls ran and whether they
 * travelled encrypted. A call whose region or TLS flag neither the gateway nor the configuration
 * says counts as unknown, never as compliant. Texts: i18n/checks-*.ts, keyed by check id.
 */

export const DATA_RESIDENCY_CHECK = 'data-residency'
export const TRANSPORT_ENCRYPTION_CHECK = 'transport-encryption'

const MAX_LINES = 12

function capped(lines: string[], more: (n: number) => string): string[] {
  return lines.length <= MAX_LINES ? lines : [...lines.slice(0, MAX_LINES), more(lines.length - MAX_LINES)]
}

function serverList(
  servers: ReadonlyArray<{ server: string; calls: number }>,
  messages: { server: string; moreServers: string },
  text: ReportText,
): string {
  const shown = servers
    .slice(0, MAX_LINES)
    .map((row) => text.format(messages.server, { server: row.server, calls: row.calls }))
    .join(text.report.common.itemSeparator)
  return servers.length > MAX_LINES
    ? text.format(messages.moreServers, { servers: shown, n: String(servers.length - MAX_LINES) })
    : shown
}

export function residencyCheck(facts: ResidencyFacts, text: ReportText): Check {
  const { format } = text
  const m = text.checks[DATA_RESIDENCY_CHECK]
  const list = (items: readonly string[]) => items.join(text.report.common.itemSeparator)
  const regions =
    list(facts.regions.map((row) => format(m.region, { region: row.region, calls: row.calls }))) || m.noRegion
  const unknownShare = facts.calls === 0 ? 0 : facts.unknownCalls / facts.calls
  const unknownLine =
    facts.unknownCalls > 0
      ? [
          format(m.unknown, {
            calls: facts.unknownCalls,
            share: text.pct(unknownShare),
            servers: serverList(facts.unknownServers, m, text),
          }),
        ]
      : []
  const base = { id: DATA_RESIDENCY_CHECK, title: m.title }
  const regionsLine = format(m.regions, { regions })
  if (facts.allowedRegions === null) {
    return { ...base, status: 'warn', summary: m.noPolicy, evidence: [regionsLine, ...unknownLine] }
  }
  const allowed = format(m.allowed, { regions: list(facts.allowedRegions) })
  if (facts.outsideCalls > 0) {
    const servers = [...new Set(facts.outside.map((row) => row.server))]
    const outsideRegions = [...new Set(facts.outside.map((row) => row.region))]
    return {
      ...base,
      status: 'fail',
      summary: format(m.fail, {
        calls: facts.outsideCalls,
        regions: list(outsideRegions),
        servers: servers.length,
        names: list(servers),
      }),
      evidence: [
        allowed,
        ...capped(
          facts.outside.map((row) =>
            format(m.outside, { server: row.server, tool: row.tool, region: row.region, calls: row.calls }),
          ),
          (n) => format(m.moreOutside, { n: String(n) }),
        ),
        ...unknownLine,
      ],
    }
  }
  if (facts.unknownCalls > 0 && unknownShare > facts.unknownWarnShare) {
    return {
      ...base,
      status: 'warn',
      summary: format(m.warn, {
        calls: facts.unknownCalls,
        share: text.pct(unknownShare),
        limit: text.pct(facts.unknownWarnShare),
      }),
      evidence: [allowed, regionsLine, ...unknownLine],
    }
  }
  return {
    ...base,
    status: 'pass',
    summary: facts.calls === 0 ? m.noCalls : format(m.pass, { calls: facts.calls - facts.unknownCalls }),
    evidence: [allowed, regionsLine, ...unknownLine],
  }
}

export function transportCheck(facts: TransportFacts, text: ReportText): Check {
  const { format } = text
  const m = text.checks[TRANSPORT_ENCRYPTION_CHECK]
  const share = facts.calls === 0 ? 0 : facts.tlsCalls / facts.calls
  const exposed = facts.plaintextServers.filter((row) => row.nonLoopbackCalls > 0)
  const exposedCalls = exposed.reduce((sum, row) => sum + row.nonLoopbackCalls, 0)
  const counts = {
    share: text.pct(share),
    calls: facts.calls,
    plaintext: facts.plaintextCalls,
    unknown: facts.unknownCalls,
  }
  const evidence = [
    format(m.tally, counts),
    ...capped(
      facts.plaintextServers.map((row) =>
        format(m.plaintext, {
          server: row.server,
          calls: row.calls,
          where:
            row.nonLoopbackCalls === row.calls ? 'remote' : row.nonLoopbackCalls === 0 ? 'loopback' : 'mixed',
          remote: row.nonLoopbackCalls,
        }),
      ),
      (n) => format(m.morePlaintext, { n: String(n) }),
    ),
    ...(facts.unknownCalls > 0
      ? [format(m.unknown, { servers: serverList(facts.unknownServers, m, text) })]
      : []),
  ]
  const base = { id: TRANSPORT_ENCRYPTION_CHECK, title: m.title }
  if (exposed.length > 0) {
    return {
      ...base,
      status: 'fail',
      summary: format(m.fail, {
        calls: exposedCalls,
        servers: exposed.length,
        names: exposed.map((row) => row.server).join(text.report.common.itemSeparator),
      }),
      evidence,
    }
  }
  if (facts.unknownCalls > 0) {
    return {
      ...base,
      status: 'warn',
      summary: format(m.warn, {
        calls: facts.unknownCalls,
        share: text.pct(facts.unknownCalls / facts.calls),
        tls: text.pct(share),
      }),
      evidence,
    }
  }
  return {
    ...base,
    status: 'pass',
    summary:
      facts.calls === 0
        ? m.noCalls
        : facts.plaintextCalls > 0
          ? format(m.passLoopback, counts)
          : format(m.pass, { calls: facts.calls }),
    evidence,
  }
}
