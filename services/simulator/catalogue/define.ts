import type { Rng } from '../rng.js'
import type { ToolContext, ToolResult, ToolSpec } from '../types.js'

export function textResult(text: string): ToolResult {
  return { content: [{ type: 'text', text }] }
}

export function jsonResult(value: unknown): ToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value }
}

type Property = { type: string; description?: string; items?: unknown; enum?: string[] }

/** A JSON Schema object of the shape MCP servers publish in `tools/list`. */
export function schema(
  properties: Record<string, Property>,
  required: string[] = [],
): Record<string, unknown> {
  return { type: 'object', properties, required, additionalProperties: false }
}

export const str = (description?: string): Property => ({
  type: 'string',
  ...(description ? { description } : {}),
})
export const int = (description?: string): Property => ({
  type: 'number',
  ...(description ? { description } : {}),
})
export const bool = (description?: string): Property => ({
  type: 'boolean',
  ...(description ? { description } : {}),
})
export const strList = (description?: string): Property => ({
  type: 'array',
  items: { type: 'string' },
  ...(description ? { description } : {}),
})

type ToolInput = Pick<ToolSpec, 'name' | 'description' | 'inputSchema' | 'args'> &
  Partial<Omit<ToolSpec, 'name' | 'description' | 'inputSchema' | 'args'>>

const DEFAULT_ERRORS = { tool: 0.01, rpc: 0.002, timeout: 0.0005 }

/** A tool with the defaults most tools share: weight 1, a read, quick, rarely failing. */
export function tool(input: ToolInput): ToolSpec {
  return {
    weight: 1,
    latency: { medianMs: 40, sigma: 0.6 },
    result: () => textResult('ok'),
    toolError: () => 'Error: the operation failed',
    ...input,
    errors: { ...DEFAULT_ERRORS, ...input.errors },
  }
}

export function dateBetween(rng: Rng, fromIso: string, days: number): string {
  const from = Date.parse(fromIso)
  return new Date(from + Math.floor(rng.next() * days * 86_400_000)).toISOString()
}

export function login(ctx: ToolContext): string {
  const id = ctx.user?.id ?? 'octocat'
  return id.split('@')[0]!.replace(/\./g, '-')
}

export const LOREM_TOPICS = [
  'retry budget for the payment webhooks',
  'flaky integration test on CI',
  'migrating the session store to Redis 7',
  'p95 latency regression after the 2.3 release',
  'rate limiter returns 500 instead of 429',
  'dark mode toggle resets after reload',
  'OpenAPI spec out of date for /v2/orders',
  'upgrade Node.js to 22 LTS',
  'dashboard shows stale data after deploy',
  'CSV export drops rows with unicode names',
]
