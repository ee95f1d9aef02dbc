// Element construction without innerHTML: every piece of data becomes a text node.

/**
 * h('tag.class', {attr: value, onclick: fn}, ...children) — strings and numbers become text nodes.
 * @param {string} spec
 * @param {Record<string, unknown>} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split('.')
  const el = document.createElement(tag || 'div')
  if (classes.length > 0) el.className = classes.join(' ')
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key === 'class') el.className += ` ${value}`
    else if (key === 'dataset') Object.assign(el.dataset, value)
    // CSSOM, not a style attribute: the CSP allows no inline style attributes.
    else if (key === 'style') Object.assign(el.style, value)
    else el.setAttribute(key, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue
    if (Array.isArray(child)) append(el, child)
    else if (child instanceof Node) el.appendChild(child)
    else el.appendChild(document.createTextNode(String(child)))
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild)
  return el
}

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 })
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })

export function fmtInt(n) {
  return n === null || n === undefined ? '–' : n >= 100000 ? compact.format(n) : integer.format(n)
}

export function fmtPct(x) {
  return x === null || x === undefined ? '–' : `${(x * 100).toFixed(x < 0.1 ? 2 : 1)}%`
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return '–'
  if (ms === 0) return '0 ms'
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`
}

export function fmtTime(iso) {
  if (!iso) return '–'
  let d = new Date(iso)
  if (Number.isNaN(d.getTime())) d = new Date(`${String(iso).replace(' ', 'T')}Z`)
  if (Number.isNaN(d.getTime())) return String(iso)
  return d.toLocaleString('en-GB', {
    // The year only when it is not this one: tables stay narrow.
    year: d.getFullYear() === new Date().getFullYear() ? undefined : 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
}

export function badge(text, kind = text) {
  return h(`span.badge.${String(kind).replace(/[^a-z_-]/gi, '')}`, {}, text)
}

export function card(title, ...children) {
  return h('section.card', {}, title ? h('h2', {}, title) : null, ...children)
}

export function table(headers, rows) {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((header) => h(header.num ? 'th.num' : 'th', {}, header.label ?? header)),
      ),
    ),
    h('tbody', {}, rows),
  )
}

/** Starts a file download from a Blob (the API needs the bearer header, so plain links cannot). */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob)
  const link = h('a', { href: url, download: name })
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
