import { api, session, whenUnauthorized } from './api.js'
import { clear, h } from './dom.js'
import { locale, setLocale, t, translateStatic } from './i18n.js'
import { renderAlerts } from './pages/alerts.js'
import { renderEvent, renderEvents } from './pages/events.js'
import { renderExport } from './pages/export.js'
import { renderOverview } from './pages/overview.js'
import { renderReports } from './pages/reports.js'

const $ = (id) => document.getElementById(id)
const PAGES = {
  overview: { title: 'Overview', render: (page, range) => renderOverview(page, range) },
  events: { title: 'Events', render: renderEvents },
  alerts: { title: 'Alerts', render: renderAlerts },
  reports: { title: 'Reports', render: renderReports },
  export: { title: 'Export', render: renderExport },
}

function currentRange() {
  const span = Number($('range').value)
  const to = new Date()
  return { from: new Date(to.getTime() - span), to }
}

function parseHash() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?')
  const [name, id] = (path || 'overview').split('/')
  return {
    name: PAGES[name] ? name : 'overview',
    id: id ? decodeURIComponent(id) : undefined,
    params: new URLSearchParams(query ?? ''),
  }
}

let generation = 0
async function render() {
  const { name, id, params } = parseHash()
  const page = clear($('page'))
  const mine = ++generation
  const title = t(PAGES[name].title)
  $('page-title').textContent = id ? t('{page} · detail', { page: title }) : title
  for (const link of document.querySelectorAll('.sidebar a'))
    link.classList.toggle('active', link.dataset.page === name)
  page.setAttribute('aria-busy', 'true')
  const holder = h('div', { style: { display: 'contents' } })
  try {
    if (name === 'events' && id) await renderEvent(holder, id)
    else await PAGES[name].render(holder, currentRange(), params, render)
    if (mine === generation) page.append(holder)
  } catch (err) {
    if (mine === generation)
      page.append(h('div.notice.bad', {}, t('Could not load this page: {error}', { error: err.message })))
  } finally {
    if (mine === generation) {
      page.removeAttribute('aria-busy')
      page.dataset.loaded = name
    }
  }
}

function showLogin(message = '') {
  session.clear()
  $('shell').hidden = true
  $('login').hidden = false
  $('login-error').textContent = message
  $('token').focus()
}

async function showShell() {
  const me = await api.get('/whoami')
  $('whoami').replaceChildren(
    h('div', {}, `${t('Tenant')} `, h('strong', {}, me.tenant)),
    h('div', {}, `${t('Token')} `, h('strong', {}, me.token), ` (${me.scope})`),
  )
  $('login').hidden = true
  $('shell').hidden = false
  await render()
}

whenUnauthorized(() => showLogin(t('Your token was not accepted. Sign in again.')))

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const token = $('token').value.trim()
  if (!token) return
  session.set(token)
  try {
    await showShell()
    $('token').value = ''
  } catch (err) {
    showLogin(err.status === 403 ? err.message : t('That token was not accepted: use a read or admin token.'))
  }
})
$('logout').addEventListener('click', () => showLogin())
$('range').addEventListener('change', () => {
  sessionStorage.setItem('mcp-audit-range', $('range').value)
  void render()
})
$('refresh').addEventListener('click', () => void render())
window.addEventListener('hashchange', () => {
  if (session.token) void render()
})

// The language switch: remembered in localStorage, so the console opens in it next time.
for (const select of document.querySelectorAll('.language-select')) {
  select.value = locale()
  select.addEventListener('change', () => {
    setLocale(select.value)
    for (const other of document.querySelectorAll('.language-select')) other.value = select.value
    translateStatic()
    if (session.token && !$('shell').hidden) void render()
  })
}
translateStatic()

const savedRange = sessionStorage.getItem('mcp-audit-range')
if (savedRange) $('range').value = savedRange
if (session.token) showShell().catch(() => showLogin())
else showLogin()
