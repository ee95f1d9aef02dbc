/** A report request that cannot be served as asked (unknown tenant, bad period or format): fix the request. */
export class ReportRequestError extends Error {
  readonly retryable = false
  constructor(message: string) {
    super(message)
    this.name = 'ReportRequestError'
  }
}

/**
 * A report the tenant may not start now: one of its reports is being generated (`busy`), or it
 * started `reporter.maxPerHour` reports in the last hour (`rate`). Retry after `retryAfterSeconds`.
 */
export class ReportLimitError extends Error {
  readonly retryable = true
  constructor(
    readonly kind: 'busy' | 'rate',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message)
    this.name = 'ReportLimitError'
  }
}
