import { z } from 'zod'

/** Names accepted by `POST /v1/events?format=`. */
export const GatewayFormat = z.enum([
  'generic',
  'toolhive',
  'agentgateway',
  'envoy',
  'kong',
  'contextforge',
  'mcpx',
  'docker',
])
export type GatewayFormat = z.infer<typeof GatewayFormat>

/** Every adapter: the gateway formats plus OTLP/HTTP JSON logs, which arrive on `POST /v1/logs`. */
export type AdapterName = GatewayFormat | 'otlp'

/** What the collector knows about a record besides its body. */
export type AdapterContext = {
  /** When the collector received the request (ISO 8601 with offset); used when a record carries no time. */
  receivedAt: string
  /** `?server=` of the request; used when a record does not name its MCP server. */
  serverName?: string
}

/**
 * `ok`: the record was recognised; `events` are candidate generic events that the collector still
 * validates one by one with `GenericEvent`. `invalid`: the record is not recognisably of this format.
 */
export type AdaptOutcome =
  { kind: 'ok'; events: unknown[] } | { kind: 'invalid'; path: string; message: string }

export type GatewayAdapter = {
  readonly format: AdapterName
  /**
   * The format's records carry no time or id of their own (the event time is the collector's
   * receive time): identical records are distinct calls, so their events get random ids.
   */
  readonly timeFromReceipt?: boolean
  /** True when the record has the shape of this format; cheap, never throws. */
  detect(record: unknown): boolean
  /** Maps one record (one JSON value of the request body) to zero or more generic events. */
  adapt(record: unknown, ctx: AdapterContext): AdaptOutcome
}
