import { api } from '../api.js'
import { badge, card, fmtTime, h, saveBlob, table } from '../dom.js'
import { locale, localeChosen, t } from '../i18n.js'

const KINDS = ['pdf', 'html', 'csv', 'json', 'manifest']

function verification(report) {
  if (report.status !== 'ready') return badge(t('failed'), 'failed')
  if (!report.verification) return badge(t('not checked'), 'none')
  return report.verification.ok
    ? badge(t('verified'), 'verified')
    : h('span', { title: report.verification.problems.join('\n') }, badge(t('tampered'), 'tampered'))
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
    page.append(card(t('Reports'), h('div.notice.bad', {}, err.message)))
    return
  }
  const generate = h(
    'button.primary',
    {
      type: 'button',
      onclick: async () => {
        generate.disabled = true
        generate.textContent = t('Generating…')
        try {
          await api.post('/reports', {
            from: range.from.toISOString(),
            to: range.to.toISOString(),
            formats: ['pdf', 'html', 'csv', 'json'],
            // A language picked in the console is the report's too; else the tenant's applies.
            ...(localeChosen() ? { locale: locale() } : {}),
          })
          rerender()
        } catch (err) {
          message.textContent = err.message
          generate.disabled = false
          generate.textContent = t('Generate now')
        }
      },
    },
    t('Generate now'),
  )
  const available = (report) => new Set([...report.files.map((f) => f.kind), 'manifest'])
  const rows = result.reports.map((r) =>
    h(
      'tr',
      { dataset: { reportId: r.report_id } },
      h('td', {}, h('strong', {}, r.name), h('div.muted.mono', {}, r.report_id)),
      h(
        'td.mono.nowrap',
        {},
        fmtTime(r.period_from),
        h('div.muted', {}, t('to {time}', { time: fmtTime(r.period_to) })),
      ),
      h(
        'td',
        {},
        fmtTime(r.created_at),
        h('div.muted', {}, t('by {who} · {schedule}', { who: r.created_by, schedule: r.schedule })),
      ),
      h('td.nowrap', {}, t('{pass} pass · {warn} warn · {fail} fail', r.checks)),
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
          t(
            'Compliance reports are signed (Ed25519); verification re-checks each file against its manifest.',
          ),
        ),
        h('div.actions', {}, generate),
      ),
      message,
    ),
    card(
      t('Reports'),
      rows.length === 0
        ? h('div.empty', {}, t('No reports yet: generate one for the selected time range'))
        : table(
            [t('Report'), t('Period'), t('Created'), t('Checks'), t('Verification'), t('Download')],
            rows,
          ),
    ),
  )
}
