// The read API client: the token lives in sessionStorage and goes out as a bearer header only.

const KEY = 'mcp-audit-token'

export class ApiError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(KEY)
  },
  set(token) {
    sessionStorage.setItem(KEY, token)
  },
  clear() {
    sessionStorage.removeItem(KEY)
  },
}

let onUnauthorized = () => {}
export function whenUnauthorized(handler) {
  onUnauthorized = handler
}

async function request(method, path, { query, body, raw = false } = {}) {
  const url = new URL(`/api/v1${path}`, location.origin)
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value))
  }
  const headers = { Authorization: `Bearer ${session.token ?? ''}` }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  })
  if (res.status === 401) {
    onUnauthorized()
    throw new ApiError(401, 'your session ended: sign in again')
  }
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`
    try {
      message = (await res.json()).error ?? message
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, message)
  }
  return raw ? res : res.json()
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body) => request('POST', path, { body: body ?? {} }),
  download: (path) => request('GET', path, { raw: true }),
}
