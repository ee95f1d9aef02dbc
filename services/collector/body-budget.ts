import type { IncomingHttpHeaders } from 'node:http'

/**
 * The bytes of request bodies being read, inflated and parsed at once, across all tenants. A
 * request reserves its share before a byte of its body is read and gives it back when its answer
 * is sent, so memory for bodies stays bounded however many requests arrive together.
 */
export class BodyBudget {
  private used = 0

  constructor(
    /** Bytes of bodies in flight at most. */
    readonly capacity: number,
    /** The largest body a request may have once inflated (`collector.maxBodyBytes`). */
    private readonly maxBodyBytes: number,
  ) {}

  /**
   * What a request may need: its Content-Length when the body is sent as is, else the inflated
   * maximum (a compressed or chunked body's size is known only once it has been read).
   */
  shareOf(headers: IncomingHttpHeaders): number {
    const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase()
    const length = Number(headers['content-length'])
    if (encoding === 'identity' && headers['content-length'] !== undefined && Number.isSafeInteger(length))
      return Math.min(Math.max(length, 0), this.maxBodyBytes)
    return this.maxBodyBytes
  }

  /** Reserves `bytes`, or returns undefined when they do not fit; the release runs once at most. */
  reserve(bytes: number): (() => void) | undefined {
    if (this.used > 0 && this.used + bytes > this.capacity) return undefined
    this.used += bytes
    let released = false
    return () => {
      if (released) return
      released = true
      this.used -= bytes
    }
  }

  get inFlight(): number {
    return this.used
  }
}
