import { Worker } from 'node:worker_threads'

/**
 * The outside of the pipeline on a thread of its own: a gateway that POSTs probe events to the
 * collector and a SIEM that receives the alert webhooks and verifies their Standard Webhooks
 * signature. Both take their timestamps on that thread, so the collector, normalizer and detector
 * (which share the main thread's event loop and the embedded store's blocking calls) cannot delay
 * the clock that measures them.
 */

export interface ProbeAnswer {
  id: string
  status: number
  /** Epoch milliseconds. */
  sentAt: number
  answeredAt: number
  detail?: string
}

export interface WebhookArrival {
  receivedAt: number
  verified: boolean
  reason?: string
  alertId: string
  ruleId: string
  group: Record<string, string>
  firstSeen: string
  sampleEventIds: string[]
}

export type EndpointsRequest = { kind: 'probe'; id: string; url: string; token: string; body: string }

export type EndpointsReply =
  | { kind: 'ready'; url: string }
  | { kind: 'answer'; answer: ProbeAnswer }
  | { kind: 'webhook'; arrival: WebhookArrival }

export interface EndpointsData {
  /** The Standard Webhooks secret (`whsec_…`) the receiver verifies signatures with. */
  secret: string
}

interface Waiter {
  match: (arrival: WebhookArrival) => boolean
  resolve: (arrival: WebhookArrival) => void
}

export class GatewayAndSiem {
  private readonly arrivals: WebhookArrival[] = []
  private readonly waiters = new Set<Waiter>()
  private readonly answers = new Map<string, (answer: ProbeAnswer) => void>()

  private constructor(
    private readonly worker: Worker,
    /** Where the SIEM listens: the webhook URL. */
    readonly url: string,
  ) {
    worker.on('message', (reply: EndpointsReply) => {
      if (reply.kind === 'answer') {
        this.answers.get(reply.answer.id)?.(reply.answer)
        this.answers.delete(reply.answer.id)
      } else if (reply.kind === 'webhook') {
        this.arrivals.push(reply.arrival)
        for (const waiter of this.waiters) {
          if (!waiter.match(reply.arrival)) continue
          this.waiters.delete(waiter)
          waiter.resolve(reply.arrival)
        }
      }
    })
  }

  static async start(data: EndpointsData): Promise<GatewayAndSiem> {
    const worker = new Worker(new URL('./detector-endpoints-worker.js', import.meta.url), {
      workerData: data,
    })
    const url = await new Promise<string>((resolve, reject) => {
      worker.once('error', reject)
      worker.once('message', (reply: EndpointsReply) => {
        worker.off('error', reject)
        if (reply.kind === 'ready') resolve(reply.url)
        else reject(new Error(`the webhook receiver sent ${reply.kind} before it was ready`))
      })
    })
    return new GatewayAndSiem(worker, url)
  }

  /** POSTs one body to the collector's /v1/events; resolves with the answer's times. */
  probe(target: { url: string; token: string }, id: string, body: string): Promise<ProbeAnswer> {
    return new Promise((resolve) => {
      this.answers.set(id, resolve)
      this.worker.postMessage({ kind: 'probe', id, body, ...target } satisfies EndpointsRequest)
    })
  }

  /** The first webhook (already received or still to come) that `match` accepts, or undefined after the timeout. */
  webhook(
    match: (arrival: WebhookArrival) => boolean,
    timeoutMs: number,
  ): Promise<WebhookArrival | undefined> {
    const known = this.arrivals.find(match)
    if (known) return Promise.resolve(known)
    return new Promise((resolve) => {
      const waiter: Waiter = {
        match,
        resolve: (arrival) => {
          clearTimeout(timer)
          resolve(arrival)
        },
      }
      const timer = setTimeout(() => {
        this.waiters.delete(waiter)
        resolve(undefined)
      }, timeoutMs)
      this.waiters.add(waiter)
    })
  }

  /** Every webhook received so far. */
  received(): readonly WebhookArrival[] {
    return this.arrivals
  }

  async stop(): Promise<void> {
    await this.worker.terminate()
  }
}
