import type { Rng } from './rng.js'

/** The shapes the simulator can emit: the collector's gateway formats plus OTLP logs (`POST /v1/logs`). */
export const SIM_FORMATS = [
  'generic',
  'toolhive',
  'agentgateway',
  'envoy',
  'kong',
  'mcpx',
  'docker',
  'otlp',
] as const
export type SimFormat = (typeof SIM_FORMATS)[number]

/** Formats that keep unknown attributes (and so `attributes.sim_scenario`) through the collector. */
export const MARK_PRESERVING_FORMATS: readonly SimFormat[] = ['generic', 'agentgateway', 'otlp']

export interface ToolResult {
  content: Array<{ type: 'text'; text: string }>
  structuredContent?: unknown
}

/** What a tool's argument and result generators know about the caller and the tenant. */
export interface ToolContext {
  tenant: TenantProfile
  user: SimUser | null
}

export interface ToolSpec {
  name: string
  description: string
  inputSchema: Record<string, unknown>
  /** Relative frequency among the tools of its server. */
  weight: number
  /** Log-normal latency; medians and shapes keep every server's p95 under a second in benign traffic. */
  latency: { medianMs: number; sigma: number }
  /** Chances of an `isError` result, a JSON-RPC error and a gateway timeout per call. */
  errors: { tool: number; rpc: number; timeout: number }
  /** Users without this role are denied by the gateway's policy (always, so never denied-then-allowed). */
  requiredRole?: string
  args(rng: Rng, ctx: ToolContext): Record<string, unknown>
  result(rng: Rng, args: Record<string, unknown>, ctx: ToolContext): ToolResult
  toolError(rng: Rng, args: Record<string, unknown>): string
  /** The argument that carries free text (a message, a file body), where planted PII can go. */
  freeTextArg?: string
}

export interface ServerSpec {
  name: string
  version: string
  transport: 'stdio' | 'streamable-http' | 'sse'
  /** Roles whose sessions use this server; empty means everyone may. */
  roles: string[]
  tools: ToolSpec[]
  /** `resources/read` URIs this server exposes, if any. */
  resource?: (rng: Rng, ctx: ToolContext) => { uri: string; text: string }
  prompts?: string[]
  origin: 'builtin' | 'livemcpbench'
}

export interface Catalogue {
  servers: ServerSpec[]
  /** Where the recorded servers came from, when a recording was loaded. */
  source?: string
}

export interface ClientProfile {
  name: string
  version: string
  protocolVersion: string
  userAgent: string
}

export interface SimUser {
  id: string
  displayName: string
  kind: 'human' | 'service'
  roles: string[]
  authMethod: string
  /** Local working hours (decimal hours); service accounts work around the clock. */
  shift: { start: number; end: number }
  client: ClientProfile
  ip: string
}

export interface Gateway {
  name: string
  tenant: string
  format: SimFormat
  servers: string[]
}

export interface TenantSpec {
  id: string
  /** IANA zone: working hours, daily cycle and off-hours are local to it. */
  timezone: string
  /** Relative share of traffic. */
  weight?: number
}

export interface TenantProfile {
  id: string
  timezone: string
  weight: number
  domain: string
  org: string
  dataRegion: string
  /** First two octets of the tenant's office network. */
  network: string
  humans: SimUser[]
  services: SimUser[]
  servers: ServerSpec[]
  gateways: Gateway[]
  world: TenantWorld
}

/** Names a tenant's tools talk about: repositories, channels, tables, hosts, paths. */
export interface TenantWorld {
  repos: string[]
  channels: Array<{ id: string; name: string }>
  tables: string[]
  intranetHosts: string[]
}

export type Outcome =
  | { kind: 'success'; result: ToolResult | Record<string, unknown> }
  | { kind: 'tool_error'; result: ToolResult }
  | { kind: 'rpc_error'; code: number; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'denied'; message: string }

/** One simulated MCP interaction as the gateway saw it; encoders turn it into each format's records. */
export interface SimCall {
  eventId: string
  /** Microseconds since the epoch. */
  timeUs: number
  tenant: string
  gateway: Gateway
  method: string
  server: { name: string; version: string; transport: string }
  tool?: string
  resourceUri?: string
  prompt?: string
  sessionId: string | null
  requestId: number | string
  traceId: string
  spanId: string
  client: { name: string; version: string } | null
  protocolVersion: string
  user: { id: string; displayName: string; roles: string[]; authMethod: string } | null
  sourceIp: string
  sourcePort: number
  userAgent: string | null
  /** JSON-RPC `params` of the request (`{name, arguments}` for `tools/call`). */
  params?: Record<string, unknown>
  outcome: Outcome
  durationMs: number
  dataRegion: string
  /** Extra attributes the gateway logs: `tool_definition_hash`, `sim_scenario`, `sim_planted`. */
  attributes: Record<string, string>
  scenario?: string
  planted: string[]
}

/** One record as a gateway would send it, with what tests need to know about it. */
export interface SimRecord {
  /** Position of the call in the run; the records of one call (Docker's before and after) share it. */
  call: number
  format: SimFormat
  record: unknown
  tenant: string
  gateway: string
  /** `?server=` for Docker interceptor payloads, which do not name their server. */
  server?: string
  /** The call's time (ISO 8601). */
  timestamp: string
  /** MCP events the collector makes of this record. */
  events: number
  /**
   * The simulator's id of the call. The collector keeps it where the format has an id field (generic
   * `event_id`, ToolHive `audit_id`, Envoy `x-request-id`, Kong request id + `:rpc:0`, OTLP
   * `log.record.uid`); agentgateway, MCPX and Docker records get an id derived from their content.
   */
  eventId: string
  method: string
  /** How the call really ended, whether or not the format can say so. */
  status: 'success' | 'error' | 'denied' | 'timeout'
  scenario?: string
  planted?: string[]
}
