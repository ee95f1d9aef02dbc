import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { parentPort, workerData } from 'node:worker_threads'
import { verifyStandardWebhook } from '../../services/webhooks/index.js'
import type {
  EndpointsData,
  EndpointsReply,
  EndpointsRequest,
  ProbeAnswer,
  WebhookArrival,
} from './detector-endpoints.js'

/** The gateway and the SIEM of the detector benchmark (see detector-endpoints.ts). */

const { secret } = workerData as EndpointsData
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })
const PROBE_TIMEOUT_MS = 30_000

function reply(message: EndpointsReply): void {
  parentPort?.postMessage(message)
}

interface StandardBody {
  data?: {
    alert_id?: string
    rule?: { id?: string }
    group?: Record<string, string>
    first_seen?: string
    sample_event_ids?: string[]
  }
}

function arrivalOf(headers: http.IncomingHttpHeaders, body: string, receivedAt: number): WebhookArrival {
  const verification = verifyStandardWebhook(headers, body, secret)
  let alert: StandardBody['data'] = {}
  try {
    alert = (JSON.parse(body) as StandardBody).data ?? {}
  } catch {
    alert = {}
  }
  return {
    receivedAt,
    verified: verification.ok,
    ...(verification.ok ? {} : { reason: verification.reason }),
    alertId: alert.alert_id ?? '',
    ruleId: alert.rule?.id ?? '',
    group: alert.group ?? {},
    firstSeen: alert.first_seen ?? '',
    sampleEventIds: alert.sample_event_ids ?? [],
  }
}

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    const receivedAt = Date.now()
    response.writeHead(200).end('ok')
    reply({
      kind: 'webhook',
      arrival: arrivalOf(request.headers, Buffer.concat(chunks).toString(), receivedAt),
    })
  })
})

function probe(request: Extract<EndpointsRequest, { kind: 'probe' }>): void {
  const target = new URL('/v1/events', request.url)
  const body = Buffer.from(request.body)
  const sentAt = Date.now()
  const answer = (status: number, detail?: string) => {
    const result: ProbeAnswer = { id: request.id, status, sentAt, answeredAt: Date.now() }
    reply({ kind: 'answer', answer: detail === undefined ? result : { ...result, detail } })
  }
  const outgoing = http.request(
    {
      agent,
      host: target.hostname,
      port: target.port,
      method: 'POST',
      path: target.pathname,
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': body.length,
        Authorization: `Bearer ${request.token}`,
      },
    },
    (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('end', () => {
        const status = incoming.statusCode ?? 0
        answer(status, status === 202 ? undefined : Buffer.concat(chunks).toString().slice(0, 300))
      })
      incoming.on('error', (err) => answer(0, err.message))
    },
  )
  outgoing.setTimeout(PROBE_TIMEOUT_MS, () =>
    outgoing.destroy(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)),
  )
  outgoing.on('error', (err) => answer(0, err.message))
  outgoing.end(body)
}

parentPort?.on('message', (request: EndpointsRequest) => {
  if (request.kind === 'probe') probe(request)
})

server.listen(0, '127.0.0.1', () => {
  reply({ kind: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
})
