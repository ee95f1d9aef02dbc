import { gzipSync } from 'node:zlib'
import type { OutgoingRequest } from './batches.js'
import { backoffMs, percentile, retryAfterMs } from './pacing.js'
import { Rng } from './rng.js'

export interface HttpSinkOptions {
  /** Collector base URL, e.g. http://127.0.0.1:8080. */
  url: string
  /** The ingest token for a tenant's gateway; undefined means none is known. */
  tokenFor: (tenant: string, gateway: string) => string | undefined
  /** Requests in flight at most; beyond it the run waits (and falls behind its schedule). Default 32. */
  maxInFlight?: number
  /** Tries per request, the first included. Default 5. */
  maxAttempts?: number
  /** Longest a request may spend waiting between tries in total. Default 30 s. */
  maxRetryWaitMs?: number
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number
  gzip?: boolean
}

export interface HttpStats {
  url: string
  requests: number
  attempts: number
  retries: number
  /** Requests given up on (after the last try, or refused for good). */
  failed: number
  accepted: number
  rejected: number
  /** Every answer by HTTP status, including the retried ones; network failures by error code. */
  statuses: Record<string, number>
  latencyMs: { p50: number; p99: number; max: number }
  /** A few rejection reasons from the collector, to say what was wrong. */
  sampleErrors: string[]
}

/**
 * What no retry fixes: a refused token or scope (`status` 401/403), or a collector never reached at all
 * (`status` 0). The run stops and says why.
 */
export class FatalResponseError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const RETRYABLE = new Set([429, 502, 503, 504])

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

interface Answer {
  status: number
  accepted: number
  rejected: number
  errors: string[]
  retryAfter: string | null
}

/**
 * Sends requests like a gateway's log shipper: keep-alive connections (fetch's pool), bounded
 * concurrency, and bounded retries on 429/502/503/504 and network errors honouring `Retry-After`.
 */
export class HttpSink {
  private inFlight = 0
  private readonly waiters: Array<() => void> = []
  private readonly pending = new Set<Promise<void>>()
  private readonly latencies: number[] = []
  private readonly jitter = new Rng('http-sink-jitter')
  private readonly base: string
  private counters = { requests: 0, attempts: 0, retries: 0, failed: 0, accepted: 0, rejected: 0 }
  private readonly statuses: Record<string, number> = {}
  private readonly sampleErrors: string[] = []
  fatal: FatalResponseError | undefined

  constructor(private readonly options: HttpSinkOptions) {
    this.base = options.url.replace(/\/+$/, '')
  }

  /** Resolves once the request is on its way (a slot was free); the answer is awaited by `drain`. */
  async send(request: OutgoingRequest): Promise<void> {
    while (this.inFlight >= (this.options.maxInFlight ?? 32)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
    this.inFlight++
    this.counters.requests++
    const task = this.deliver(request).finally(() => {
      this.inFlight--
      this.pending.delete(task)
      this.waiters.shift()?.()
    })
    this.pending.add(task)
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending])
  }

  stats(): HttpStats {
    const sorted = [...this.latencies].sort((a, b) => a - b)
    const round = (value: number) => Math.round(value * 10) / 10
    return {
      url: this.base,
      ...this.counters,
      statuses: { ...this.statuses },
      latencyMs: {
        p50: round(percentile(sorted, 50)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted.at(-1) ?? 0),
      },
      sampleErrors: [...this.sampleErrors],
    }
  }

  private count(key: string): void {
    this.statuses[key] = (this.statuses[key] ?? 0) + 1
  }

  private note(message: string): void {
    if (this.sampleErrors.length < 5 && !this.sampleErrors.includes(message)) this.sampleErrors.push(message)
  }

  private async deliver(request: OutgoingRequest): Promise<void> {
    const token = this.options.tokenFor(request.tenant, request.gateway)
    const headers: Record<string, string> = { 'content-type': request.contentType }
    if (token) headers.authorization = `Bearer ${token}`
    let body: string | Buffer = request.body
    if (this.options.gzip) {
      body = gzipSync(request.body)
      headers['content-encoding'] = 'gzip'
    }
    const maxAttempts = this.options.maxAttempts ?? 5
    let waited = 0
    for (let attempt = 1; ; attempt++) {
      this.counters.attempts++
      let answer: Answer | undefined
      let failure: string | undefined
      const started = performance.now()
      try {
        answer = await this.attempt(request, headers, body)
        this.latencies.push(performance.now() - started)
        this.count(String(answer.status))
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause
        const code = cause?.code ?? (err as Error).name
        failure = `${code}: ${cause?.message ?? (err as Error).message}`
        this.count(code)
      }
      if (answer && !RETRYABLE.has(answer.status)) return this.settle(request, answer)
      const wait = answer
        ? (retryAfterMs(answer.retryAfter, Date.now()) ?? backoffMs(attempt, this.jitter.next()))
        : backoffMs(attempt, this.jitter.next())
      const budget = (this.options.maxRetryWaitMs ?? 30_000) - waited
      if (attempt >= maxAttempts || wait > budget) {
        this.counters.failed++
        this.counters.rejected += request.events
        this.note(failure ?? `gave up after ${attempt} tries: HTTP ${answer?.status} from ${request.path}`)
        if (failure && this.latencies.length === 0) {
          // Never reached it at all: a wrong URL or a collector that is not running, not a blip.
          this.fatal ??= new FatalResponseError(
            0,
            `cannot reach the collector at ${this.base} (${failure}); start it with \`mcp-audit start\` or pass --url`,
          )
        }
        return
      }
      this.counters.retries++
      waited += wait
      await sleep(wait)
    }
  }

  private async attempt(
    request: OutgoingRequest,
    headers: Record<string, string>,
    body: string | Buffer,
  ): Promise<Answer> {
    const response = await fetch(`${this.base}${request.path}`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    })
    const text = await response.text()
    let parsed: {
      accepted?: number
      rejected?: number
      errors?: Array<{ message?: string; path?: string }>
      error?: string
      message?: string
    } = {}
    try {
      parsed = text ? (JSON.parse(text) as typeof parsed) : {}
    } catch {
      parsed = { message: text.slice(0, 200) }
    }
    const header = (name: string) => response.headers.get(name)
    // Docker's answer carries its outcome in headers so the interceptor gets an empty body.
    const accepted = parsed.accepted ?? Number(header('x-mcp-audit-accepted') ?? 0)
    const rejected = parsed.rejected ?? Number(header('x-mcp-audit-rejected') ?? 0)
    const errors = (parsed.errors ?? []).map((e) => `${e.path ?? ''}: ${e.message ?? ''}`)
    if (!response.ok && errors.length === 0)
      errors.push(parsed.message ?? parsed.error ?? header('x-mcp-audit-error') ?? text.slice(0, 200))
    return { status: response.status, accepted, rejected, errors, retryAfter: header('retry-after') }
  }

  private settle(request: OutgoingRequest, answer: Answer): void {
    if (answer.status === 401 || answer.status === 403) {
      this.fatal ??= new FatalResponseError(
        answer.status,
        `the collector refused the ingest token for tenant ${request.tenant} (HTTP ${answer.status}: ${answer.errors[0] ?? ''}); pass --token with an ingest token of that tenant`,
      )
    }
    if (answer.status >= 400 && answer.accepted === 0 && answer.rejected === 0) {
      this.counters.failed++
      this.counters.rejected += request.events
    } else {
      this.counters.accepted += answer.accepted
      this.counters.rejected += answer.rejected
    }
    for (const error of answer.errors) this.note(`HTTP ${answer.status} ${request.path} ${error}`)
  }
}
