/** A report request that cannot be served as asked (unknown tenant, bad period or format): fix the request. */
export class ReportRequestError extends Error {
  readonly retryable = false
  constructor(message: string) {
    super(message)
    this.name = 'ReportRequestError'
  }
}
