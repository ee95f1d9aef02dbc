import { api } from '../api.js'
import { badge, card, fmtTime, h, saveBlob, table } from '../dom.js'

const KINDS = ['pdf', 'html', 'csv', 'json', 'manifest']

function verification(report) {
  if (report.status !== 'ready') return badge('failed')
  if (!report.verification) return badge('not checked', 'none')
  return report.verification.ok
    ? badge('verified')
    : h('span', { title: report.verification.problems.join('\n') }, badge('tampered'))
}

async function download(report, kind, message) {
  try {
    const res = await api.download(`/reports/${encodeURIComponent(report.report_id)}/${kind}`)
    const disposition = res.headers.get('content-disposition') ?? ''
    const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `${report.report_id}.${kind}`
    saveBlob(await res.blob(), name)
  } catch (err) {
    message.textContent = err.message
  }
}

export async function renderReports(page, range, _params, rerender) {
  const message = h('p.error', { role: 'status' })
  let result
  try {
    result = await api.get('/reports')
  } catch (err) {
    page.append(card('Reports', h('div.notice.bad', {}, err.message)))
    return
  }
  const generate = h(
    'button.primary',
    {
      type: 'button',
      onclick: async () => {
        generate.disabled = true
        generate.textContent = 'Generating…'
        try {
          await api.post('/reports', {
            from: range.from.toISOString(),
            to: range.to.toISOString(),
            formats: ['pdf', 'html', 'csv', 'json'],
          })
          rerender()
        } catch (err) {
          message.textContent = err.message
          generate.disabled = false
          generate.textContent = 'Generate now'
        }
      },
    },
    'Generate now',
  )
  const available = (report) => new Set([...report.files.map((f) => f.kind), 'manifest'])
  const rows = result.reports.map((r) =>
    h(
      'tr',
      { dataset: { reportId: r.report_id } },
      h('td', {}, h('strong', {}, r.name), h('div.muted.mono', {}, r.report_id)),
      h('td.mono.nowrap', {}, fmtTime(r.period_from), h('div.muted', {}, `to ${fmtTime(r.period_to)}`)),
      h('td', {}, fmtTime(r.created_at), h('div.muted', {}, `by ${r.created_by} · ${r.schedule}`)),
      h('td.nowrap', {}, `${r.checks.pass} pass · ${r.checks.warn} warn · ${r.checks.fail} fail`),
      h('td', {}, verification(r)),
      h(
        'td',
        {},
        h(
          'div.actions',
          {},
          r.status === 'ready'
            ? KINDS.filter((k) => available(r).has(k)).map((k) =>
                h(
                  'button',
                  { type: 'button', dataset: { kind: k }, onclick: () => download(r, k, message) },
                  k.toUpperCase(),
                ),
              )
            : h('span.muted', {}, r.error),
        ),
      ),
    ),
  )
  page.append(
    card(
      null,
      h(
        'div.toolbar',
        {},
        h(
          'span.muted',
          {},
          'Compliance reports are signed (Ed25519); verification re-checks each file against its manifest.',
        ),
        h('div.actions', {}, generate),
      ),
      message,
    ),
    card(
      'Reports',
      rows.length === 0
        ? h('div.empty', {}, 'No reports yet: generate one for the selected time range')
        : table(['Report', 'Period', 'Created', 'Checks', 'Verification', 'Download'], rows),
    ),
  )
}
