import { api } from '../api.js'
import { fillBuckets, timeChart } from '../charts.js'
import { badge, card, fmtInt, fmtMs, fmtPct, h, table } from '../dom.js'

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info']

function kpi(label, value, sub) {
  return h(
    'section.card.kpi',
    {},
    h('div.label', {}, label),
    h('div.value', {}, value),
    sub ? h('div.sub', {}, sub) : null,
  )
}

function rankTable(rows, first, link) {
  if (rows.length === 0) return h('div.empty', {}, 'No traffic in this range')
  const max = Math.max(...rows.map((r) => r.calls), 1)
  return table(
    [first, { label: 'Calls', num: true }, '', { label: 'Errors', num: true }, { label: 'p95', num: true }],
    rows.map((row) =>
      h(
        'tr.clickable',
        { onclick: () => (location.hash = link(row)) },
        h(
          'td',
          {},
          row.tool
            ? [h('strong', {}, row.tool), h('div.muted', {}, row.server)]
            : h('strong', {}, row.server),
        ),
        h('td.num', {}, fmtInt(row.calls)),
        h('td', {}, h('div.bar', {}, h('span', { style: { width: `${(row.calls / max) * 100}%` } }))),
        h('td.num', {}, fmtPct(row.error_rate)),
        h('td.num', {}, fmtMs(row.p95_ms)),
      ),
    ),
  )
}

export async function renderOverview(page, range) {
  const s = await api.get('/summary', { from: range.from.toISOString(), to: range.to.toISOString() })
  const t = s.totals
  const openAlerts = SEVERITIES.reduce((sum, sev) => sum + (s.open_alerts[sev] ?? 0), 0)
  const traffic = fillBuckets(s.series, range.from.getTime(), range.to.getTime(), s.bucket_seconds, [
    'calls',
    'errors',
  ])
  const latency = fillBuckets(s.series, range.from.getTime(), range.to.getTime(), s.bucket_seconds, [
    'p95_ms',
  ])
  const alertTotals = new Map()
  for (const point of s.alerts_series)
    alertTotals.set(point.t, (alertTotals.get(point.t) ?? 0) + point.alerts)
  const alerts = fillBuckets(
    [...alertTotals].map(([time, n]) => ({ t: time, alerts: n })),
    range.from.getTime(),
    range.to.getTime(),
    s.bucket_seconds,
    ['alerts'],
  )
  page.append(
    h(
      'div.kpis',
      {},
      kpi('MCP calls', fmtInt(t.calls), `${fmtInt(t.users)} users · ${fmtInt(t.servers)} servers`),
      kpi('Error rate', fmtPct(t.error_rate), `${fmtInt(t.errors)} failed · ${fmtInt(t.denied)} denied`),
      kpi('p95 latency', fmtMs(t.p95_ms), 'tool call duration'),
      kpi(
        'Open alerts',
        fmtInt(openAlerts),
        SEVERITIES.filter((sev) => s.open_alerts[sev])
          .map((sev) => `${s.open_alerts[sev]} ${sev}`)
          .join(' · ') || 'none',
      ),
      kpi('Redactions', fmtInt(t.redactions), 'PII and secrets removed'),
    ),
    h(
      'div.grid-2',
      {},
      card(
        'Calls and errors',
        timeChart({
          data: traffic,
          series: [
            { label: 'Calls', color: '#4f46e5', fill: 'rgba(79,70,229,0.10)' },
            { label: 'Errors', color: '#dc2626', fill: 'rgba(220,38,38,0.10)' },
          ],
          yFormat: fmtInt,
          integer: true,
        }),
      ),
      card(
        'p95 latency',
        timeChart({
          data: latency,
          series: [{ label: 'p95 latency', color: '#0891b2' }],
          yFormat: (v) => fmtMs(v),
        }),
      ),
      card(
        'Top tools',
        rankTable(
          s.top_tools,
          'Tool',
          (row) => `#/events?server=${encodeURIComponent(row.server)}&tool=${encodeURIComponent(row.tool)}`,
        ),
      ),
      card(
        'Top servers',
        rankTable(s.top_servers, 'Server', (row) => `#/events?server=${encodeURIComponent(row.server)}`),
      ),
    ),
    card(
      'Alerts over time',
      timeChart({
        data: alerts,
        series: [{ label: 'Alerts fired', color: '#f59e0b', bars: true }],
        height: 180,
        yFormat: fmtInt,
        integer: true,
      }),
      h(
        'div.legend',
        {},
        'Open now: ',
        SEVERITIES.map((sev) => h('span', {}, badge(`${sev} ${s.open_alerts[sev] ?? 0}`, sev))),
      ),
    ),
  )
}
