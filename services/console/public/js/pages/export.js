import { api } from '../api.js'
import { badge, card, fmtInt, fmtTime, h, table } from '../dom.js'
import { t } from '../i18n.js'

// The export sinks of the signed-in tenant (GET /export/sinks): status, lag, throughput, last
// success and last error. Sink URLs and tokens never reach the browser.

const EXAMPLE = `export:
  sinks:
    - name: soc
      type: splunk-hec
      url: https://splunk.example:8088
      token: \${HEC_TOKEN}
      index: mcp
      tenants: [acme]
    - name: lake
      type: kafka
      topic: mcp.audit.export
      tenants: [acme]`

const STATUS_TEXT = { ok: 'ok', paused: 'paused', failing: 'failing', unknown: 'unknown' }

function status(sink) {
  const text = t(STATUS_TEXT[sink.status] ?? sink.status)
  const since = sink.failing_since ? t('failing since {time}', { time: fmtTime(sink.failing_since) }) : null
  return h('span', { title: since ?? undefined }, badge(text, sink.status))
}

function throughput(sink) {
  if (sink.throughput_per_second === null)
    return h('span.muted', { title: t('No exporter has reported this sink yet') }, '–')
  return t('{rate}/s', { rate: fmtInt(sink.throughput_per_second) })
}

// Server mode: the status as the exporter last saved it, as old as its oldest sink's.
function savedSource(sinks) {
  const ages = sinks.map((sink) => sink.status_age_seconds).filter((age) => age !== null)
  if (ages.length === 0) return t('No exporter has reported these sinks yet.')
  return t('As the exporter, running apart from this console, saw them {seconds} s ago.', {
    seconds: fmtInt(Math.max(...ages)),
  })
}

function emptyState() {
  return h(
    'div.empty-help',
    {},
    h('p', {}, t("No export sinks send this tenant's events yet.")),
    h(
      'p.muted',
      {},
      t(
        'Add them under export.sinks in the configuration and restart the exporter (mcp-audit start, or mcp-audit exporter in server mode). Each sink lists the tenants whose events it receives:',
      ),
    ),
    h('pre.mono', {}, EXAMPLE),
  )
}

export async function renderExport(page) {
  let result
  try {
    result = await api.get('/export/sinks')
  } catch (err) {
    page.append(card(t('Export'), h('div.notice.bad', {}, err.message)))
    return
  }
  const rows = result.sinks.map((sink) =>
    h(
      'tr',
      { dataset: { sink: sink.name, status: sink.status } },
      h(
        'td',
        {},
        h('strong', {}, sink.name),
        h('div.muted', {}, `${sink.type} · ${t('tenants: {tenants}', { tenants: sink.tenants.join(', ') })}`),
      ),
      h('td', {}, status(sink)),
      h('td.num', {}, sink.lag === null ? '–' : fmtInt(sink.lag)),
      h('td.num.nowrap', {}, throughput(sink)),
      h('td.nowrap', {}, fmtTime(sink.last_success)),
      h('td.error-text', {}, sink.last_error ?? ''),
    ),
  )
  const source =
    result.source === 'live'
      ? t('Live from the exporter running in this process.')
      : savedSource(result.sinks)
  page.append(
    card(
      t('Export sinks'),
      rows.length === 0
        ? emptyState()
        : [
            h('p.muted', {}, source),
            table(
              [
                t('Sink'),
                t('Status'),
                { label: t('Lag (messages)'), num: true },
                { label: t('Throughput'), num: true },
                t('Last success'),
                t('Last error'),
              ],
              rows,
            ),
          ],
    ),
  )
}
