import { api } from '../api.js'
import { t } from '../i18n.js'
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
  if (rows.length === 0) return h('div.empty', {}, t('No traffic in this range'))
  const max = Math.max(...rows.map((r) => r.calls), 1)
  return table(
    [
      first,
      { label: t('Calls'), num: true },
      '',
      { label: t('Errors'), num: true },
      { label: 'p95', num: true },
    ],
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
  const totals = s.totals
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
      kpi(
        t('MCP calls'),
        fmtInt(totals.calls),
        t('{users} users · {servers} servers', {
          users: fmtInt(totals.users),
          servers: fmtInt(totals.servers),
        }),
      ),
      kpi(
        t('Error rate'),
        fmtPct(totals.error_rate),
        t('{errors} failed · {denied} denied', {
          errors: fmtInt(totals.errors),
          denied: fmtInt(totals.denied),
        }),
      ),
      kpi(t('p95 latency'), fmtMs(totals.p95_ms), t('tool call duration')),
      kpi(
        t('Open alerts'),
        fmtInt(openAlerts),
        SEVERITIES.filter((sev) => s.open_alerts[sev])
          .map((sev) => `${s.open_alerts[sev]} ${t(sev)}`)
          .join(' · ') || t('none'),
      ),
      kpi(t('Redactions'), fmtInt(totals.redactions), t('PII and secrets removed')),
    ),
    h(
      'div.grid-2',
      {},
      card(
        t('Calls and errors'),
        timeChart({
          data: traffic,
          series: [
            { label: t('Calls'), color: '#4f46e5', fill: 'rgba(79,70,229,0.10)' },
            { label: t('Errors'), color: '#dc2626', fill: 'rgba(220,38,38,0.10)' },
          ],
          yFormat: fmtInt,
          integer: true,
        }),
      ),
      card(
        t('p95 latency'),
        timeChart({
          data: latency,
          series: [{ label: t('p95 latency'), color: '#0891b2' }],
          yFormat: (v) => fmtMs(v),
        }),
      ),
      card(
        t('Top tools'),
        rankTable(
          s.top_tools,
          t('Tool'),
          (row) => `#/events?server=${encodeURIComponent(row.server)}&tool=${encodeURIComponent(row.tool)}`,
        ),
      ),
      card(
        t('Top servers'),
        rankTable(s.top_servers, t('Server'), (row) => `#/events?server=${encodeURIComponent(row.server)}`),
      ),
    ),
    card(
      t('Alerts over time'),
      timeChart({
        data: alerts,
        series: [{ label: t('Alerts fired'), color: '#f59e0b', bars: true }],
        height: 180,
        yFormat: fmtInt,
        integer: true,
      }),
      h(
        'div.legend',
        {},
        t('Open now: '),
        SEVERITIES.map((sev) => h('span', {}, badge(`${t(sev)} ${s.open_alerts[sev] ?? 0}`, sev))),
      ),
    ),
  )
}
