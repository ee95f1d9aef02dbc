import type { Duplex } from 'node:stream'
import type { Request, Response } from 'express'
import type { EventError } from './ingest.js'
import type { CollectorMetrics } from './metrics.js'

export type IngestRoute = '/v1/events' | '/v1/logs'

/** At most this many per-event errors are listed in one answer; the counts stay exact. */
const MAX_LISTED_ERRORS = 100

export interface IngestAnswer {
  accepted: number
  rejected: number
  errors: EventError[]
  errors_truncated?: boolean
  error?: string
}

export function answer(accepted: number, errors: EventError[], error?: string): IngestAnswer {
  const body: IngestAnswer = {
    accepted,
    rejected: new Set(errors.map((e) => e.index)).size,
    errors: errors.slice(0, MAX_LISTED_ERRORS),
  }
  if (errors.length > MAX_LISTED_ERRORS) body.errors_truncated = true
  if (error) body.error = error
  return body
}

const CLIENT_ERRORS: Record<string, { status: number; text: string; reason: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    text: 'Request Header Fields Too Large',
    reason: 'the request headers are too large',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    text: 'Request Timeout',
    reason: 'the request did not arrive in time',
  },
}

/**
 * Answers requests that Node's HTTP parser refuses before express sees them (bytes after a body
 * shorter than its Content-Length, broken chunking, oversized headers) with the same JSON body as
 * every other refusal, where Node's default answer is a bare `400 Bad Request`. Then closes the
 * connection, since its framing can no longer be trusted.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy()
    return
  }
  const known = CLIENT_ERRORS[err.code ?? '']
  const { status, text } = known ?? { status: 400, text: 'Bad Request' }
  const reason = known?.reason ?? `the request is not well-formed HTTP/1.1 (${err.code ?? err.message})`
  const body = JSON.stringify(answer(0, [], `${reason}; nothing from this request was accepted`))
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

/**
 * Answers an ingest request. Docker's HTTP interceptor hands any non-empty answer to the agent in
 * place of the tool's result, so for ?format=docker the outcome travels in headers and the body
 * stays empty.
 */
export function replier(req: Request, res: Response, route: IngestRoute, metrics: CollectorMetrics) {
  const emptyBody = req.query.format === 'docker'
  return (status: number, body: IngestAnswer) => {
    metrics.requests.inc({ route, status: String(status) })
    if (!emptyBody) {
      res.status(status).json(body)
      return
    }
    res.setHeader('X-MCP-Audit-Accepted', String(body.accepted))
    res.setHeader('X-MCP-Audit-Rejected', String(body.rejected))
    const reason = body.error ?? body.errors[0]?.message
    if (reason) res.setHeader('X-MCP-Audit-Error', reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 512))
    res.status(status).end()
  }
}
