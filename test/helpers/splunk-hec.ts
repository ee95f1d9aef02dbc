import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

/**
 * A receiver that speaks Splunk's HTTP Event Collector protocol as Splunk documents it (no Splunk
 * or HEC-compatible server can be had here), and refuses whatever Splunk would refuse:
 *
 * - `POST /services/collector`, `/services/collector/event` or `/services/collector/event/1.0`;
 *   `GET /services/collector/health` answers code 17 (healthy) or 503 code 18 (queues full);
 * - `Authorization: Splunk <token>`: none → 401 code 2, another form → 401 code 3, an unknown
 *   token → 403 code 4, a disabled one → 403 code 1;
 * - the body: concatenated JSON event objects (whitespace between them allowed), gzip when
 *   `Content-Encoding: gzip`; empty → 400 code 5; unreadable → 400 code 6; an object without
 *   `event` → 400 code 12, a blank `event` → 400 code 13; `time` not epoch seconds, or
 *   `host`/`source`/`sourcetype`/`index` not strings → 400 code 6; an index the token may not
 *   write → 400 code 7; `fields` not a flat object of strings (or string arrays) → 400 code 15.
 *   Errors name the failing event (`invalid-event-number`); as in Splunk, the events before it
 *   are indexed;
 * - while `busy` is set: 503 code 9 (server busy), the back-pressure a sender must retry.
 *
 * Accepted events are kept in order, with the index they landed in (the token's default when the
 * event names none).
 */

export interface HecToken {
  value: string
  /** Indexes the token may write; the first is its default. */
  indexes: string[]
  disabled?: boolean
}

export interface ReceivedHecEvent {
  token: string
  index: string
  time?: number
  host?: string
  source?: string
  sourcetype?: string
  event: unknown
  fields?: Record<string, string | string[]>
}

export interface HecReceiver {
  url: string
  events: ReceivedHecEvent[]
  /** Every answer given, in order: status and HEC code. */
  answers: Array<{ status: number; code: number }>
  busy: boolean
  close(): Promise<void>
}

const EVENT_PATHS = new Set([
  '/services/collector',
  '/services/collector/event',
  '/services/collector/event/1.0',
])

interface Answer {
  status: number
  body: Record<string, unknown>
}

const answer = (status: number, code: number, text: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  body: { text, code, ...extra },
})

/** Splits concatenated JSON values; undefined when the text is not a sequence of JSON values. */
export function splitConcatenatedJson(text: string): unknown[] | undefined {
  const values: unknown[] = []
  let depth = 0
  let inString = false
  let escaped = false
  let start = -1
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!
    if (inString) {
      if (escaped) escaped = false
      else if (char === '\\') escaped = true
      else if (char === '"') inString = false
      continue
    }
    if (depth === 0 && /\s/.test(char)) continue
    if (depth === 0 && char !== '{') return undefined
    if (char === '"') inString = true
    else if (char === '{') {
      if (depth === 0) start = i
      depth += 1
    } else if (char === '}') {
      depth -= 1
      if (depth === 0) {
        try {
          values.push(JSON.parse(text.slice(start, i + 1)))
        } catch {
          return undefined
        }
      }
    }
  }
  return depth === 0 && !inString ? values : undefined
}

const isFlatField = (value: unknown) =>
  typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))

function checkEvent(
  raw: unknown,
  token: HecToken,
): { ok: ReceivedHecEvent } | { code: number; text: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { code: 6, text: 'Invalid data format' }
  const event = raw as Record<string, unknown>
  if (!('event' in event)) return { code: 12, text: 'Event field is required' }
  const body = event.event
  if (body === null || body === '' || (typeof body === 'object' && Object.keys(body).length === 0))
    return { code: 13, text: 'Event field cannot be blank' }
  const time = event.time
  if (
    time !== undefined &&
    !(typeof time === 'number' || (typeof time === 'string' && /^\d+(\.\d+)?$/.test(time)))
  )
    return { code: 6, text: 'Invalid data format' }
  for (const key of ['host', 'source', 'sourcetype', 'index']) {
    if (event[key] !== undefined && typeof event[key] !== 'string')
      return { code: 6, text: 'Invalid data format' }
  }
  const index = (event.index as string | undefined) ?? token.indexes[0]!
  if (!token.indexes.includes(index)) return { code: 7, text: 'Incorrect index' }
  const fields = event.fields
  if (
    fields !== undefined &&
    (fields === null ||
      typeof fields !== 'object' ||
      Array.isArray(fields) ||
      !Object.values(fields).every(isFlatField))
  )
    return { code: 15, text: 'Error in handling indexed fields' }
  return {
    ok: {
      token: token.value,
      index,
      ...(time === undefined ? {} : { time: Number(time) }),
      ...(['host', 'source', 'sourcetype'] as const).reduce(
        (set, key) => (event[key] === undefined ? set : { ...set, [key]: event[key] as string }),
        {},
      ),
      event: body,
      ...(fields === undefined ? {} : { fields: fields as Record<string, string | string[]> }),
    },
  }
}

function handle(
  receiver: HecReceiver,
  tokens: ReadonlyMap<string, HecToken>,
  req: http.IncomingMessage,
  raw: Buffer,
): Answer {
  const path = (req.url ?? '').split('?')[0]!
  if (req.method === 'GET' && path === '/services/collector/health') {
    return receiver.busy
      ? answer(503, 18, 'HEC is unhealthy, queues are full')
      : answer(200, 17, 'HEC is healthy')
  }
  if (req.method !== 'POST' || !EVENT_PATHS.has(path))
    return answer(404, 404, 'The requested URL was not found on this server.')
  const authorization = req.headers.authorization
  if (authorization === undefined) return answer(401, 2, 'Token is required')
  const match = /^Splunk (\S+)$/.exec(authorization)
  if (!match) return answer(401, 3, 'Invalid authorization')
  const token = tokens.get(match[1]!)
  if (!token) return answer(403, 4, 'Invalid token')
  if (token.disabled) return answer(403, 1, 'Token disabled')
  if (receiver.busy) return answer(503, 9, 'Server is busy')
  const encoding = req.headers['content-encoding'] ?? 'identity'
  if (encoding !== 'gzip' && encoding !== 'identity') return answer(400, 6, 'Invalid data format')
  let text: string
  try {
    text = (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')
  } catch {
    return answer(400, 6, 'Invalid data format')
  }
  if (text.trim() === '') return answer(400, 5, 'No data')
  const values = splitConcatenatedJson(text)
  if (!values) return answer(400, 6, 'Invalid data format')
  for (const [index, value] of values.entries()) {
    const checked = checkEvent(value, token)
    if ('code' in checked) return answer(400, checked.code, checked.text, { 'invalid-event-number': index })
    receiver.events.push(checked.ok)
  }
  return answer(200, 0, 'Success')
}

/**
 * A HEC receiver on a free loopback port, taking the given tokens; on `port` when given (a receiver
 * that comes back where a stopped one was).
 */
export async function startHecReceiver(
  tokens: readonly HecToken[],
  options: { port?: number } = {},
): Promise<HecReceiver> {
  const byValue = new Map(tokens.map((token) => [token.value, token]))
  const server = http.createServer()
  const receiver: HecReceiver = {
    url: '',
    events: [],
    answers: [],
    busy: false,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
  server.on('request', (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const { status, body } = handle(receiver, byValue, req, Buffer.concat(chunks))
      receiver.answers.push({ status, code: Number(body.code) })
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return receiver
}
