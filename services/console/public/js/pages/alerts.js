import { api } from '../api.js'
import { t } from '../i18n.js'
import { badge, card, fmtInt, fmtTime, h, table } from '../dom.js'

const STATUSES = ['open', 'acknowledged', 'resolved']
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info']

/** The detector's summary without the title and the tenant, which the row already shows. */
function describe(alert) {
  const summary = alert.summary.startsWith(`${alert.rule_title}: `)
    ? alert.summary.slice(alert.rule_title.length + 2)
    : alert.summary
  return summary.replace(/\btenant_id=[^,]*(, )?/, '').replace(/ for $/, '')
}

export async function renderAlerts(page, range, params, rerender) {
  const status = params.get('status') ?? 'open,acknowledged'
  const severity = params.get('severity') ?? ''
  const result = await api.get('/alerts', {
    status,
    severity,
    from: new Date(range.to.getTime() - 30 * 86_400_000).toISOString(),
    to: range.to.toISOString(),
  })
  const message = h('p.error', { role: 'status' })
  const act = async (alert, action, button) => {
    button.disabled = true
    try {
      await api.post(`/alerts/${encodeURIComponent(alert.alert_id)}/${action}`)
      rerender()
    } catch (err) {
      message.textContent = err.message
      button.disabled = false
    }
  }
  const filter = (name, value, options) =>
    h(
      'label',
      {},
      name,
      h(
        'select',
        {
          onchange: (event) => {
            const next = new URLSearchParams(params)
            next.set(name, event.target.value)
            location.hash = `#/alerts?${next}`
          },
        },
        options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
      ),
    )
  const rows = result.alerts.map((a) =>
    h(
      'tr',
      { dataset: { alertId: a.alert_id } },
      h('td', {}, badge(a.severity)),
      h(
        'td.rule',
        {},
        h('strong', {}, a.rule_title),
        h('div.muted', {}, describe(a)),
        (a.sample_event_ids ?? []).length > 0
          ? h('a.back', { href: `#/events/${encodeURIComponent(a.sample_event_ids[0])}` }, 'sample event →')
          : null,
      ),
      h('td.num', {}, fmtInt(a.count)),
      h('td.mono.nowrap', {}, fmtTime(a.first_seen), h('div.muted', {}, fmtTime(a.last_seen))),
      h('td', {}, badge(a.status), a.status !== 'open' ? h('div.muted', {}, `by ${a.updated_by}`) : null),
      h(
        'td.nowrap',
        {},
        h(
          'div.actions.inline',
          {},
          a.status === 'open'
            ? h(
                'button',
                { type: 'button', onclick: (ev) => act(a, 'acknowledge', ev.currentTarget) },
                t('Acknowledge'),
              )
            : null,
          a.status !== 'resolved'
            ? h(
                'button',
                { type: 'button', onclick: (ev) => act(a, 'resolve', ev.currentTarget) },
                t('Resolve'),
              )
            : null,
        ),
      ),
    ),
  )
  page.append(
    card(
      null,
      h(
        'div.filters',
        {},
        filter('status', status, [
          ['open,acknowledged', 'open and acknowledged'],
          ...STATUSES.map((s) => [s, s]),
          [STATUSES.join(','), 'all'],
        ]),
        filter('severity', severity, [['', 'any'], ...SEVERITIES.map((s) => [s, s])]),
        h('span.muted', {}, t('Alerts seen in the last 30 days')),
      ),
    ),
    card(
      t('Alerts'),
      message,
      rows.length === 0
        ? h('div.empty', {}, t('No alerts match'))
        : table(
            [
              t('Severity'),
              t('Rule'),
              { label: t('Events'), num: true },
              t('First / last seen'),
              t('Status'),
              '',
            ],
            rows,
          ),
    ),
  )
}
