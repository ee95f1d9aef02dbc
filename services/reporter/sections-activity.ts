import type { RankedRow, ReportData } from './data.js'
import { change, COLORS, type Cell, type ReportTable, type Section } from './document.js'

/** The activity sections of the document: the summary against the previous period, volume, top lists, latency. */

const pct = (share: number) => `${(share * 100).toFixed(2)}%`

function topTable(id: string, title: string, rows: RankedRow[]): ReportTable {
  return {
    id,
    title,
    columns: [
      { label: '#', align: 'right', width: 0.4 },
      { label: 'Name', width: 3 },
      { label: 'Calls', align: 'right' },
      { label: 'Failures', align: 'right' },
      { label: 'Failure rate', align: 'right' },
    ],
    rows: rows.map((row, index) => [
      index + 1,
      row.name,
      row.calls,
      row.failures,
      pct(row.calls === 0 ? 0 : row.failures / row.calls),
    ]),
    empty: 'No calls in the period.',
  }
}

export function activitySections(data: ReportData): Section[] {
  const { summary: s, previous: p } = data
  const summaryRows: Cell[][] = [
    ['Calls', s.calls, p.calls, change(s.calls, p.calls)],
    ['Unique users (pseudonymized)', s.users, p.users, change(s.users, p.users)],
    ['Unique clients', s.clients, p.clients, change(s.clients, p.clients)],
    ['Unique servers', s.servers, p.servers, change(s.servers, p.servers)],
    ['Failed calls', s.failures, p.failures, change(s.failures, p.failures)],
    ['Tool errors', s.toolErrors, p.toolErrors, change(s.toolErrors, p.toolErrors)],
    ['Protocol errors', s.protocolErrors, p.protocolErrors, change(s.protocolErrors, p.protocolErrors)],
    ['Denials', s.denials, p.denials, change(s.denials, p.denials)],
    ['Timeouts', s.timeouts, p.timeouts, change(s.timeouts, p.timeouts)],
    ['Error rate', pct(s.errorRate), pct(p.errorRate), change(s.errorRate, p.errorRate)],
  ]
  const per = data.volume.granularity === 'hour' ? 'hour' : 'day'
  return [
    {
      id: 'summary',
      title: 'Summary',
      blocks: [
        {
          kind: 'table',
          table: {
            id: 'summary',
            title: 'Activity against the previous period',
            columns: [
              { label: 'Measure', width: 2.4 },
              { label: 'This period', align: 'right' },
              { label: 'Previous period', align: 'right' },
              { label: 'Change', align: 'right' },
            ],
            rows: summaryRows,
          },
        },
        {
          kind: 'chart',
          chart: {
            kind: 'bars',
            title: `Calls per ${per} (${data.tenant.timezone})`,
            labels: data.volume.buckets.map((b) => (per === 'hour' ? b.label.slice(11) : b.label.slice(5))),
            series: [
              { name: 'Calls', values: data.volume.buckets.map((b) => b.calls), color: COLORS.accent },
              { name: 'Failures', values: data.volume.buckets.map((b) => b.failures), color: COLORS.failure },
            ],
          },
        },
        {
          kind: 'chart',
          chart: {
            kind: 'line',
            title: `Failure rate per ${per}, % (errors, denials and timeouts)`,
            labels: data.volume.buckets.map((b) => (per === 'hour' ? b.label.slice(11) : b.label.slice(5))),
            series: [
              {
                name: 'Failure rate %',
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
            title: `Volume per ${per}`,
            columns: [
              { label: per === 'hour' ? 'Hour' : 'Day', width: 2 },
              { label: 'Calls', align: 'right' },
              { label: 'Failures', align: 'right' },
            ],
            rows: data.volume.buckets.map((b) => [b.label, b.calls, b.failures]),
          },
        },
      ],
    },
    {
      id: 'activity',
      title: 'Top tools, servers, clients and users',
      blocks: [
        { kind: 'table', table: topTable('top-tools', 'Tools by calls', data.tops.tools.byVolume) },
        {
          kind: 'table',
          table: topTable('top-tools-failures', 'Tools by failures', data.tops.tools.byFailures),
        },
        { kind: 'table', table: topTable('top-servers', 'Servers by calls', data.tops.servers.byVolume) },
        {
          kind: 'table',
          table: topTable('top-servers-failures', 'Servers by failures', data.tops.servers.byFailures),
        },
        { kind: 'table', table: topTable('top-clients', 'Clients by calls', data.tops.clients.byVolume) },
        {
          kind: 'table',
          table: topTable('top-clients-failures', 'Clients by failures', data.tops.clients.byFailures),
        },
        {
          kind: 'table',
          table: topTable('top-users', 'Users (pseudonymized) by calls', data.tops.users.byVolume),
        },
        {
          kind: 'table',
          table: topTable(
            'top-users-failures',
            'Users (pseudonymized) by failures',
            data.tops.users.byFailures,
          ),
        },
        {
          kind: 'chart',
          chart: {
            kind: 'bars',
            title: 'Latency per server, ms (p50 and p95)',
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
            title: 'Latency per server (ms)',
            columns: [
              { label: 'Server', width: 2.4 },
              { label: 'Calls', align: 'right' },
              { label: 'p50', align: 'right' },
              { label: 'p95', align: 'right' },
              { label: 'p99', align: 'right' },
            ],
            rows: data.latency.map((row) => [row.server, row.calls, row.p50, row.p95, row.p99]),
            empty: 'No call reported a duration.',
          },
        },
      ],
    },
  ]
}
