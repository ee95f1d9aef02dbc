import { definitionHash, toolDefinitions, toolOutcome, type ToolDefinition } from './outcomes.js'
import type { Rng } from './rng.js'
import type {
  ClientProfile,
  Gateway,
  Outcome,
  ServerSpec,
  SimCall,
  SimUser,
  TenantProfile,
  ToolSpec,
} from './types.js'

/** Who is calling, through which gateway, from where: what every call of one session shares. */
export interface CallSite {
  tenant: TenantProfile
  gateway: Gateway
  user: SimUser | null
  client: ClientProfile | null
  protocolVersion: string
  sessionId: string | null
  sourceIp: string
  sourcePort: number
  userAgent: string | null
}

export function siteFor(
  rng: Rng,
  tenant: TenantProfile,
  gateway: Gateway,
  user: SimUser,
  stateless: boolean,
): CallSite {
  const client = user.client
  const sessionless = stateless || client.protocolVersion >= '2026-07-28'
  return {
    tenant,
    gateway,
    user,
    client,
    protocolVersion: client.protocolVersion,
    sessionId: sessionless
      ? null
      : gateway.format === 'agentgateway'
        ? rng.chars(27, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')
        : rng.uuid(),
    sourceIp: user.ip,
    sourcePort: rng.int(32_768, 60_999),
    userAgent: client.userAgent,
  }
}

interface Parts {
  method: string
  server: ServerSpec
  requestId: number | string
  outcome: Outcome
  durationMs: number
  tool?: string
  resourceUri?: string
  prompt?: string
  params?: Record<string, unknown>
  attributes?: Record<string, string>
}

export function makeCall(rng: Rng, site: CallSite, timeUs: number, parts: Parts): SimCall {
  const user = site.user
  return {
    eventId: rng.uuid(),
    timeUs,
    tenant: site.tenant.id,
    gateway: site.gateway,
    method: parts.method,
    server: { name: parts.server.name, version: parts.server.version, transport: parts.server.transport },
    ...(parts.tool !== undefined ? { tool: parts.tool } : {}),
    ...(parts.resourceUri !== undefined ? { resourceUri: parts.resourceUri } : {}),
    ...(parts.prompt !== undefined ? { prompt: parts.prompt } : {}),
    sessionId: site.sessionId,
    requestId: parts.requestId,
    traceId: rng.hex(32),
    spanId: rng.hex(16),
    client: site.client ? { name: site.client.name, version: site.client.version } : null,
    protocolVersion: site.protocolVersion,
    user: user
      ? { id: user.id, displayName: user.displayName, roles: user.roles, authMethod: user.authMethod }
      : null,
    sourceIp: site.sourceIp,
    sourcePort: site.sourcePort,
    userAgent: site.userAgent,
    ...(parts.params !== undefined ? { params: parts.params } : {}),
    outcome: parts.outcome,
    durationMs: parts.durationMs,
    dataRegion: site.tenant.dataRegion,
    attributes: { ...parts.attributes },
    planted: [],
  }
}

export function toolCall(
  rng: Rng,
  site: CallSite,
  timeUs: number,
  server: ServerSpec,
  tool: ToolSpec,
  requestId: number | string,
  override: {
    args?: Record<string, unknown>
    outcome?: Outcome
    durationMs?: number
    errorScale?: number
  } = {},
): SimCall {
  const ctx = { tenant: site.tenant, user: site.user }
  const args = override.args ?? tool.args(rng, ctx)
  const decided = override.outcome ? undefined : toolOutcome(rng, tool, args, ctx, override.errorScale)
  return makeCall(rng, site, timeUs, {
    method: 'tools/call',
    server,
    tool: tool.name,
    requestId,
    params: { name: tool.name, arguments: args },
    outcome: override.outcome ?? decided!.outcome,
    durationMs: override.durationMs ?? decided?.durationMs ?? Math.round(rng.logNormal(40, 0.5) * 100) / 100,
  })
}

/** `tools/list`: the definitions in the result and their hash in `attributes.tool_definition_hash`. */
export function toolsListCall(
  rng: Rng,
  site: CallSite,
  timeUs: number,
  server: ServerSpec,
  requestId: number | string,
  definitions: ToolDefinition[] = toolDefinitions(server),
): SimCall {
  return makeCall(rng, site, timeUs, {
    method: 'tools/list',
    server,
    requestId,
    params: {},
    outcome: { kind: 'success', result: { tools: definitions } },
    durationMs: Math.round(rng.logNormal(12, 0.5) * 100) / 100,
    attributes: { tool_definition_hash: definitionHash(definitions) },
  })
}

export function initializeCall(rng: Rng, site: CallSite, timeUs: number, server: ServerSpec): SimCall {
  return makeCall(rng, site, timeUs, {
    method: 'initialize',
    server,
    requestId: 0,
    params: {
      protocolVersion: site.protocolVersion,
      capabilities: { roots: { listChanged: true } },
      clientInfo: { name: site.client?.name ?? 'unknown', version: site.client?.version ?? '0' },
    },
    outcome: {
      kind: 'success',
      result: {
        protocolVersion: site.protocolVersion,
        capabilities: { tools: { listChanged: true } },
        serverInfo: { name: server.name, version: server.version },
      },
    },
    durationMs: Math.round(rng.logNormal(8, 0.5) * 100) / 100,
  })
}

export function resourceCall(
  rng: Rng,
  site: CallSite,
  timeUs: number,
  server: ServerSpec,
  requestId: number,
): SimCall {
  const resource = server.resource!(rng, { tenant: site.tenant, user: site.user })
  return makeCall(rng, site, timeUs, {
    method: 'resources/read',
    server,
    resourceUri: resource.uri,
    requestId,
    params: { uri: resource.uri },
    outcome: {
      kind: 'success',
      result: { contents: [{ uri: resource.uri, mimeType: 'text/plain', text: resource.text }] },
    },
    durationMs: Math.round(rng.logNormal(9, 0.6) * 100) / 100,
  })
}

export function promptCall(
  rng: Rng,
  site: CallSite,
  timeUs: number,
  server: ServerSpec,
  requestId: number,
): SimCall {
  const prompt = rng.pick(server.prompts ?? ['summarize'])
  return makeCall(rng, site, timeUs, {
    method: 'prompts/get',
    server,
    prompt,
    requestId,
    params: { name: prompt, arguments: { number: String(rng.int(100, 4000)) } },
    outcome: {
      kind: 'success',
      result: {
        description: prompt,
        messages: [{ role: 'user', content: { type: 'text', text: `Please ${prompt.replace('_', ' ')}.` } }],
      },
    },
    durationMs: Math.round(rng.logNormal(20, 0.5) * 100) / 100,
  })
}
