import { createHash } from 'node:crypto'
import type { Rng } from './rng.js'
import type { Outcome, ServerSpec, SimUser, ToolContext, ToolSpec } from './types.js'

/** Gateways cut a call off after this long; only timeouts last longer. */
export const GATEWAY_TIMEOUT_MS = 30_000

const RPC_ERRORS: ReadonlyArray<{ code: number; message: (tool: string) => string; weight: number }> = [
  { code: -32602, message: (tool) => `Invalid params: missing required argument for ${tool}`, weight: 5 },
  { code: -32603, message: () => 'Internal error: upstream connection reset', weight: 3 },
  { code: -32601, message: (tool) => `Unknown tool: ${tool}_v2`, weight: 1 },
]

export function latencyMs(rng: Rng, tool: Pick<ToolSpec, 'latency'>): number {
  const value = rng.logNormal(tool.latency.medianMs, tool.latency.sigma)
  return Math.round(Math.min(GATEWAY_TIMEOUT_MS - 1, Math.max(0.2, value)) * 100) / 100
}

/** The role a user lacks for a tool, if the gateway's policy denies it to them. */
export function missingRole(tool: ToolSpec, user: SimUser | null): string | undefined {
  if (!tool.requiredRole) return undefined
  return user?.roles.includes(tool.requiredRole) ? undefined : tool.requiredRole
}

export interface CallOutcome {
  outcome: Outcome
  durationMs: number
}

/**
 * One `tools/call`: denied by role policy, else a timeout, a JSON-RPC error, a tool error
 * (`isError: true`) or a result, at the tool's own rates and latency.
 */
export function toolOutcome(
  rng: Rng,
  tool: ToolSpec,
  args: Record<string, unknown>,
  ctx: ToolContext,
  errorScale = 1,
): CallOutcome {
  const role = missingRole(tool, ctx.user)
  if (role) {
    return {
      outcome: { kind: 'denied', message: `Forbidden: tool ${tool.name} requires role ${role}` },
      durationMs: Math.round(rng.logNormal(1.5, 0.4) * 100) / 100,
    }
  }
  const draw = rng.next()
  const timeout = tool.errors.timeout * errorScale
  const rpc = tool.errors.rpc * errorScale
  const toolError = tool.errors.tool * errorScale
  if (draw < timeout) {
    return {
      outcome: { kind: 'timeout', message: `upstream request timeout after ${GATEWAY_TIMEOUT_MS / 1000}s` },
      durationMs: GATEWAY_TIMEOUT_MS + rng.int(0, 40),
    }
  }
  if (draw < timeout + rpc) {
    const error = rng.weighted(RPC_ERRORS, (e) => e.weight)
    return {
      outcome: { kind: 'rpc_error', code: error.code, message: error.message(tool.name) },
      durationMs: Math.round(rng.logNormal(3, 0.5) * 100) / 100,
    }
  }
  const durationMs = latencyMs(rng, tool)
  if (draw < timeout + rpc + toolError) {
    return {
      outcome: {
        kind: 'tool_error',
        result: { content: [{ type: 'text', text: tool.toolError(rng, args) }] },
      },
      durationMs,
    }
  }
  return { outcome: { kind: 'success', result: tool.result(rng, args, ctx) }, durationMs }
}

export interface ToolDefinition {
  name: string
  description: string
  inputSchema: Record<string, unknown>
}

export function toolDefinitions(server: ServerSpec): ToolDefinition[] {
  return server.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
  }))
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  return `{${Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`)
    .join(',')}}`
}

/** SHA-256 (hex) of the canonical JSON of a tool list: what a gateway pins to notice a rug pull. */
export function definitionHash(tools: readonly ToolDefinition[]): string {
  const sorted = [...tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return createHash('sha256').update(canonical(sorted)).digest('hex')
}

const hashes = new WeakMap<ServerSpec, string>()

export function serverDefinitionHash(server: ServerSpec): string {
  let hash = hashes.get(server)
  if (!hash) {
    hash = definitionHash(toolDefinitions(server))
    hashes.set(server, hash)
  }
  return hash
}
