/** Messages between the benchmark and its load-generating worker thread. */

export interface LoadSpec {
  /** Base URL of the collector, e.g. http://127.0.0.1:8080. */
  url: string
  token: string
  /** Keep-alive connections to the collector; requests beyond these wait in the client's queue. */
  connections: number
  /** Events per request: tells the worker how many events a body holds. */
  batch: number
  /** Requests sent and not counted before the measured window (closed loop only). */
  warmupMs: number
  durationMs: number
  /** closed: each connection sends its next request when the previous one answered. open: a fixed schedule. */
  mode: 'closed' | 'open'
  /** Offered events per second (open loop only). */
  eventsPerSecond?: number
  /** Closed loop: stop after this many requests (the window then ends with the last answer). */
  maxRequests?: number
  /**
   * A placeholder in the bodies that is replaced with each request's sequence number before it is
   * sent, so bodies reused from the pool still carry event ids never sent before.
   */
  sequencePlaceholder?: string
}

export interface LoadResult {
  /** Length of the measured window (open loop: until the last answer, at least the schedule). */
  windowMs: number
  /** Requests answered within the measured window and their latencies. */
  requests: number
  latenciesMs: number[]
  /** Events acknowledged (202) within the measured window. */
  acceptedEvents: number
  /** Over the whole run, warm-up included: what Kafka must hold afterwards. */
  total: { accepted202: number; acceptedEvents: number; statuses: Record<string, number> }
  /** The first few failures (non-202 answers, network errors), for the report. */
  failures: string[]
  /** Event-loop utilisation of the load generator itself during the run. */
  loadElu: number
  /** CPU seconds of the load generator's thread over the run (NaN off Linux): not the pipeline's. */
  cpuSeconds: number
}

export type WorkerRequest = { kind: 'run'; spec: LoadSpec; bodies: string[] }

export type WorkerReply = { kind: 'result'; result: LoadResult } | { kind: 'error'; message: string }
