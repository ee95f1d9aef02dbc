import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import type { Cidr } from '../../schemas/cidr.js'
import { DeliveryError } from './errors.js'
import { checkTarget, systemResolver, type Resolver } from './ssrf.js'

/**
 * One POST to one webhook: SSRF-checked, pinned to the checked address, bounded by a deadline that
 * covers DNS, connect, TLS, the answer and its body. Redirects are never followed. Failures are
 * `DeliveryError`s that say whether a retry can help; the outbox decides what happens next.
 */

export interface WebhookRequest {
  url: string
  body: string | Buffer
  headers: Record<string, string>
}

export interface DeliveryReceipt {
  status: number
  /** The start of the answer's body (what a receiver says about a partial success). */
  body: string
}

export interface WebhookTransport {
  /** Resolves on a 2xx answer; rejects with a `DeliveryError` otherwise. */
  post(request: WebhookRequest): Promise<DeliveryReceipt>
}

/** How errors name the receiver, and what they advise on a 4xx answer (the exporter's sinks are receivers too). */
export interface ReceiverWording {
  noun: string
  clientErrorAdvice: string
  /** What to do when the receiver's TLS certificate is not trusted. */
  certificateAdvice?: string
}

const WEBHOOK_WORDING: ReceiverWording = {
  noun: 'webhook',
  clientErrorAdvice: 'not retried: check the webhook URL, its secret or routing key, and its format',
  certificateAdvice: 'the receiver needs a certificate for its host name from a publicly trusted CA',
}

/** Webhooks retry a timeout (408), throttling (429) and every 5xx. */
const WEBHOOK_RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500

/** PEM material for https requests: a private CA, a client certificate, the name to verify. */
export interface TlsMaterial {
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
  servername?: string
}

export interface HttpTransportOptions {
  /** Parsed `alerts.allowPrivateNetworks`. */
  allowList: readonly Cidr[]
  timeoutMs?: number
  resolve?: Resolver
  wording?: ReceiverWording
  /** Which non-2xx statuses a later retry can fix (OTLP allows only 429/502/503/504). */
  retryableStatus?: (status: number) => boolean
  tls?: TlsMaterial
}

export const DEFAULT_TIMEOUT_MS = 10_000
/**
 * Enough of an answer to say what the receiver disliked (Slack answers `invalid_token`) or what it
 * partly refused (an OTLP `partialSuccess` with its message).
 */
const MAX_ANSWER_BYTES = 16_384

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  if (!/[a-z]/i.test(text)) return undefined
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

interface Answer {
  status: number
  retryAfter: string | undefined
  snippet: string
}

function describeAnswer(host: string, answer: Answer, noun: string): string {
  const snippet = answer.snippet.replace(/\s+/g, ' ').trim().slice(0, 200)
  return `${noun} ${host} answered ${answer.status}${snippet ? ` (${snippet})` : ''}`
}

/** What a receiver's status means for this delivery: undefined for success, else the typed failure. */
export function classifyAnswer(
  host: string,
  answer: Answer,
  nowMs: number,
  wording: ReceiverWording = WEBHOOK_WORDING,
  retryableStatus: (status: number) => boolean = WEBHOOK_RETRYABLE,
): DeliveryError | undefined {
  const { status } = answer
  if (status >= 200 && status < 300) return undefined
  const said = describeAnswer(host, answer, wording.noun)
  if (status === 410) {
    return new DeliveryError(`${said}: the receiver asks for no more deliveries`, {
      failure: 'gone',
      retryable: false,
      status,
    })
  }
  if (retryableStatus(status)) {
    const retryAfterMs = parseRetryAfter(answer.retryAfter, nowMs)
    return new DeliveryError(said, {
      failure: 'http',
      retryable: true,
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    })
  }
  const advice =
    status >= 300 && status < 400
      ? 'redirects are not followed: configure the final URL'
      : wording.clientErrorAdvice
  return new DeliveryError(`${said}; ${advice}`, { failure: 'http', retryable: false, status })
}

function sendOnce(
  url: URL,
  request: WebhookRequest,
  lookup: LookupFunction,
  signal: AbortSignal,
  tls: TlsMaterial,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http
    const req = client.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      lookup,
      agent: false,
      signal,
      ...(url.protocol === 'https:' ? tls : {}),
    })
    req.on('error', reject)
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let size = 0
      const finish = () => {
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'],
          snippet: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8'),
        })
      }
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        size += chunk.length
        if (size >= MAX_ANSWER_BYTES) {
          finish()
          res.destroy()
        }
      })
      res.on('end', finish)
      res.on('error', reject)
    })
    req.end(request.body)
  })
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'))
    signal.addEventListener('abort', onAbort, { once: true })
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

function errorCode(err: unknown): string {
  const { code, message } = err as { code?: unknown; message?: unknown }
  if (typeof code === 'string') return code
  return typeof message === 'string' ? message : String(err)
}

/** OpenSSL's verification failures as Node names them: the receiver's certificate is not trusted for this host. */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/** Why a request got no answer, in words; a certificate failure says what to fix. */
function unreachable(noun: string, host: string, err: unknown, wording: ReceiverWording): string {
  const code = errorCode(err)
  if (!CERTIFICATE_ERRORS.has(code)) return `cannot reach ${noun} ${host} (${code})`
  const { reason, message } = err as { reason?: unknown; message?: unknown }
  const why = typeof reason === 'string' ? reason : typeof message === 'string' ? message : code
  const advice = wording.certificateAdvice ? `; ${wording.certificateAdvice}` : ''
  return `the TLS certificate of ${noun} ${host} is not trusted (${code}: ${why})${advice}`
}

export function createHttpTransport(options: HttpTransportOptions): WebhookTransport {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const resolveHost = options.resolve ?? systemResolver
  const wording = options.wording ?? WEBHOOK_WORDING
  const noun = wording.noun
  const tls = options.tls ?? {}

  return {
    async post(request) {
      const url = new URL(request.url)
      const host = url.host
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(), timeoutMs)
      try {
        const target = await abortable(checkTarget(url, options.allowList, resolveHost), controller.signal)
        if (target.kind === 'refused') {
          throw new DeliveryError(`refused to call ${noun} ${host}: ${target.reason}`, {
            failure: 'blocked',
            retryable: false,
          })
        }
        const answer = await sendOnce(url, request, target.lookup, controller.signal, tls)
        const failure = classifyAnswer(host, answer, Date.now(), wording, options.retryableStatus)
        if (failure) throw failure
        return { status: answer.status, body: answer.snippet }
      } catch (err) {
        if (err instanceof DeliveryError) throw err
        if (controller.signal.aborted) {
          throw new DeliveryError(`${noun} ${host} did not answer within ${timeoutMs} ms`, {
            failure: 'timeout',
            retryable: true,
            cause: err,
          })
        }
        // A certificate can be fixed on the receiver's side without a change here: retried too.
        throw new DeliveryError(unreachable(noun, host, err, wording), {
          failure: 'network',
          retryable: true,
          cause: err,
        })
      } finally {
        clearTimeout(timer)
      }
    },
  }
}
