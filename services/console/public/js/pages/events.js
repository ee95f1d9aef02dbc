import { api } from '../api.js'
import { t } from '../i18n.js'
import { badge, card, fmtMs, fmtTime, h, table } from '../dom.js'

const FILTERS = ['server', 'tool', 'user', 'status']

function field(name, value, options) {
  const control = options
    ? h(
        'select',
        { name },
        h('option', { value: '' }, 'any'),
        options.map((o) => h('option', { value: o, selected: o === value }, o)),
      )
    : h('input', { name, value: value ?? '', placeholder: name === 'user' ? 'pseudonym' : 'any', size: 16 })
  return h('label', {}, name, control)
}

export async function renderEvents(page, range, params) {
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? '']))
  const cursor = params.get('cursor') ?? ''
  const form = h(
    'form.filters',
    {
      onsubmit: (event) => {
        event.preventDefault()
        const next = new URLSearchParams()
        for (const [key, value] of new FormData(event.target)) if (value) next.set(key, String(value))
        location.hash = `#/events?${next}`
      },
    },
    field('server', filters.server),
    field('tool', filters.tool),
    field('user', filters.user),
    field('status', filters.status, ['success', 'error', 'denied', 'timeout']),
    h('button.primary', { type: 'submit' }, t('Apply')),
    h('button', { type: 'button', onclick: () => (location.hash = '#/events') }, t('Clear')),
  )
  const result = await api.get('/events', {
    ...filters,
    cursor,
    limit: 50,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
  })
  const rows = result.events.map((e) =>
    h(
      'tr.clickable',
      {
        onclick: () => (location.hash = `#/events/${encodeURIComponent(e.event_id)}`),
        dataset: { eventId: e.event_id },
      },
      h('td.mono.nowrap', {}, fmtTime(e.occurred_at)),
      h('td', {}, e.server_name),
      h('td', {}, h('strong', {}, e.tool || e.method)),
      h('td', {}, badge(e.status)),
      h('td.num', {}, fmtMs(e.duration_ms)),
      h('td.mono', {}, e.user_id || '–'),
      h('td.nowrap', {}, e.client_name || '–'),
      h('td.num', {}, e.redaction_count > 0 ? badge(String(e.redaction_count), 'medium') : '–'),
    ),
  )
  const nextParams = new URLSearchParams(params)
  if (result.next_cursor) nextParams.set('cursor', result.next_cursor)
  page.append(
    card(t('Filter'), form),
    card(
      cursor ? t('Events (older page)') : t('Events'),
      rows.length === 0
        ? h('div.empty', {}, t('No events match these filters in this time range'))
        : table(
            [
              t('Time'),
              t('Server'),
              t('Tool'),
              t('Status'),
              { label: t('Duration'), num: true },
              t('User'),
              t('Client'),
              { label: t('Redactions'), num: true },
            ],
            rows,
          ),
      h(
        'div.toolbar',
        {},
        h('span.muted', {}, t('{count} shown', { count: rows.length })),
        h(
          'div.actions',
          {},
          cursor ? h('button', { type: 'button', onclick: () => history.back() }, t('Newer')) : null,
          result.next_cursor
            ? h(
                'button',
                { type: 'button', onclick: () => (location.hash = `#/events?${nextParams}`) },
                t('Older'),
              )
            : null,
        ),
      ),
    ),
  )
}

function pretty(text) {
  if (!text) return '–'
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

export async function renderEvent(page, id) {
  const { event: e } = await api.get(`/events/${encodeURIComponent(id)}`)
  const rows = [
    ['Event id', h('span.mono', {}, e.event_id)],
    ['Occurred', fmtTime(e.occurred_at)],
    ['Received / stored', `${fmtTime(e.received_at)} / ${fmtTime(e.ingested_at)}`],
    ['Server', `${e.server_name} ${e.server_version || ''} (${e.server_transport || 'unknown transport'})`],
    ['Method / tool', `${e.method} ${e.tool || ''}`],
    [
      'Status',
      [
        badge(e.status),
        e.error_class ? ` ${e.error_class}` : '',
        e.error_code !== null ? ` (code ${e.error_code})` : '',
      ],
    ],
    ['Error message', e.error_message || '–'],
    ['Duration', fmtMs(e.duration_ms)],
    ['User', `${e.user_id || '–'} (${e.user_id_kind})`],
    ['Roles', (e.user_roles ?? []).join(', ') || '–'],
    ['Client', `${e.client_name || '–'} ${e.client_version || ''}`],
    ['Gateway', `${e.gateway} (${e.gateway_format})`],
    ['Decision', e.decision || '–'],
    ['Source IP', e.source_ip || '–'],
    ['Session / request / trace', `${e.session_id || '–'} / ${e.request_id || '–'} / ${e.trace_id || '–'}`],
    [
      'Redaction findings',
      Object.entries(e.redaction_findings ?? {})
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ') || 'none',
    ],
    ['Retention until', e.retention_until],
  ]
  page.append(
    h(
      'a.back',
      {
        href: '#/events',
        onclick: (ev) => {
          ev.preventDefault()
          history.back()
        },
      },
      '← Back to events',
    ),
    card(
      'Event',
      h(
        'dl.detail',
        {},
        rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      ),
    ),
    h(
      'div.grid-2',
      {},
      card(
        `Arguments (redacted${e.arguments_truncated ? ', truncated' : ''})`,
        h('pre.json', {}, pretty(e.arguments)),
      ),
      card(
        `Result (redacted${e.result_truncated ? ', truncated' : ''})`,
        h('pre.json', {}, pretty(e.result)),
      ),
    ),
  )
}
