import type { RankedRow, ReportData } from './data.js'
import { change, COLORS, type Cell, type ReportTable, type Section } from './document.js'
import type { ReportText } from './i18n/index.js'

/** The activity sections of the document: the summary against the previous period, volume, top lists, latency. */

function topTable(id: string, title: string, rows: RankedRow[], text: ReportText): ReportTable {
  const a = text.report.activity
  return {
    id,
    title,
    columns: [
      { label: a.rank, align: 'right', width: 0.4 },
      { label: a.name, width: 3 },
      { label: a.calls, align: 'right' },
      { label: a.failures, align: 'right' },
      { label: a.failureRate, align: 'right' },
    ],
    rows: rows.map((row, index) => [
      index + 1,
      row.name,
      row.calls,
      row.failures,
      text.pct(row.calls === 0 ? 0 : row.failures / row.calls),
    ]),
    empty: a.noCalls,
  }
}

export function activitySections(data: ReportData, text: ReportText): Section[] {
  const a = text.report.activity
  const { pct } = text
  const { summary: s, previous: p } = data
  const delta = (current: number, previous: number) => change(current, previous, text)
  const summaryRows: Cell[][] = [
    [a.calls, s.calls, p.calls, delta(s.calls, p.calls)],
    [a.users, s.users, p.users, delta(s.users, p.users)],
    [a.clients, s.clients, p.clients, delta(s.clients, p.clients)],
    [a.servers, s.servers, p.servers, delta(s.servers, p.servers)],
    [a.failedCalls, s.failures, p.failures, delta(s.failures, p.failures)],
    [a.toolErrors, s.toolErrors, p.toolErrors, delta(s.toolErrors, p.toolErrors)],
    [a.protocolErrors, s.protocolErrors, p.protocolErrors, delta(s.protocolErrors, p.protocolErrors)],
    [a.denials, s.denials, p.denials, delta(s.denials, p.denials)],
    [a.timeouts, s.timeouts, p.timeouts, delta(s.timeouts, p.timeouts)],
    [a.errorRate, pct(s.errorRate), pct(p.errorRate), delta(s.errorRate, p.errorRate)],
  ]
  const hourly = data.volume.granularity === 'hour'
  const labels = data.volume.buckets.map((b) => (hourly ? b.label.slice(11) : b.label.slice(5)))
  const zone = data.tenant.timezone
  const tops: Array<[string, string, RankedRow[]]> = [
    ['top-tools', a.toolsByCalls, data.tops.tools.byVolume],
    ['top-tools-failures', a.toolsByFailures, data.tops.tools.byFailures],
    ['top-servers', a.serversByCalls, data.tops.servers.byVolume],
    ['top-servers-failures', a.serversByFailures, data.tops.servers.byFailures],
    ['top-clients', a.clientsByCalls, data.tops.clients.byVolume],
    ['top-clients-failures', a.clientsByFailures, data.tops.clients.byFailures],
    ['top-users', a.usersByCalls, data.tops.users.byVolume],
    ['top-users-failures', a.usersByFailures, data.tops.users.byFailures],
  ]
  return [
    {
      id: 'summary',
      title: a.summary,
      blocks: [
        {
          kind: 'table',
          table: {
            id: 'summary',
            title: a.summaryTable,
            columns: [
              { label: a.measure, width: 2.4 },
              { label: a.thisPeriod, align: 'right' },
              { label: a.previousPeriod, align: 'right' },
              { label: a.change, align: 'right' },
            ],
            rows: summaryRows,
          },
        },
        {
          kind: 'chart',
          chart: {
            kind: 'bars',
            title: text.format(hourly ? a.callsPerHour : a.callsPerDay, { zone }),
            labels,
            series: [
              { name: a.calls, values: data.volume.buckets.map((b) => b.calls), color: COLORS.accent },
              { name: a.failures, values: data.volume.buckets.map((b) => b.failures), color: COLORS.failure },
            ],
          },
        },
        {
          kind: 'chart',
          chart: {
            kind: 'line',
            title: hourly ? a.failureRatePerHour : a.failureRatePerDay,
            labels,
            series: [
              {
                name: a.failureRateSeries,
                values: data.volume.buckets.map((b) =>
                  b.calls === 0 ? 0 : Math.round((b.failures / b.calls) * 1000) / 10,
                ),
                color: COLORS.failure,
              },
            ],
            unit: '%',
          },
        },
        {
          kind: 'table',
          table: {
            id: 'volume',
            title: hourly ? a.volumePerHour : a.volumePerDay,
            columns: [
              { label: hourly ? a.hour : a.day, width: 2 },
              { label: a.calls, align: 'right' },
              { label: a.failures, align: 'right' },
            ],
            rows: data.volume.buckets.map((b) => [b.label, b.calls, b.failures]),
          },
        },
      ],
    },
    {
      id: 'activity',
      title: a.tops,
      blocks: [
        ...tops.map(([id, title, rows]) => ({
          kind: 'table' as const,
          table: topTable(id, title, rows, text),
        })),
        {
          kind: 'chart',
          chart: {
            kind: 'bars',
            title: a.latencyChart,
            labels: data.latency.slice(0, 12).map((row) => row.server),
            series: [
              { name: 'p50', values: data.latency.slice(0, 12).map((row) => row.p50), color: COLORS.accent },
              { name: 'p95', values: data.latency.slice(0, 12).map((row) => row.p95), color: COLORS.primary },
            ],
            unit: 'ms',
          },
        },
        {
          kind: 'table',
          table: {
            id: 'latency',
            title: a.latencyTable,
            columns: [
              { label: a.server, width: 2.4 },
              { label: a.calls, align: 'right' },
              { label: 'p50', align: 'right' },
              { label: 'p95', align: 'right' },
              { label: 'p99', align: 'right' },
            ],
            rows: data.latency.map((row) => [row.server, row.calls, row.p50, row.p95, row.p99]),
            empty: a.noDuration,
          },
        },
      ],
    },
  ]
}
