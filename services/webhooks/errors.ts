/** Why one webhook attempt failed; decides between retry, dead and disabling the endpoint. */
export type DeliveryFailure =
  /** The target resolves to an address outside what we may call (SSRF guard), or a bad scheme. */
  | 'blocked'
  /** No answer within the timeout. */
  | 'timeout'
  /** DNS, connection refused or reset, TLS. */
  | 'network'
  /** The receiver answered 410 Gone: it wants no more deliveries. */
  | 'gone'
  /** Any other non-2xx answer. */
  | 'http'

export class DeliveryError extends Error {
  readonly failure: DeliveryFailure
  readonly retryable: boolean
  /** The receiver's HTTP status, when it answered. */
  readonly status?: number
  /** From `Retry-After` (seconds or an HTTP date), when the receiver sent one. */
  readonly retryAfterMs?: number

  constructor(
    message: string,
    options: {
      failure: DeliveryFailure
      retryable: boolean
      status?: number
      retryAfterMs?: number
      cause?: unknown
    },
  ) {
    super(message, { cause: options.cause })
    this.name = 'DeliveryError'
    this.failure = options.failure
    this.retryable = options.retryable
    if (options.status !== undefined) this.status = options.status
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs
  }

  /** 410 Gone: Standard Webhooks says to stop sending to this endpoint. */
  get disablesEndpoint(): boolean {
    return this.failure === 'gone'
  }
}

/** A webhook or allow-list entry that cannot work; raised at start so the process stops with the key. */
export class WebhookConfigError extends Error {
  readonly retryable = false
  constructor(message: string) {
    super(message)
    this.name = 'WebhookConfigError'
  }
}
