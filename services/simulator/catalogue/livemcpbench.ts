import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import type { ServerSpec, ToolResult } from '../types.js'
import { textResult, tool } from './define.js'

/**
 * Servers, tools, argument shapes and results recorded by LiveMCPBench (Claude Sonnet 4 solving real
 * tasks against ~70 public MCP servers), kept in `test/fixtures/corpora/livemcpbench/`. The recording
 * wraps every server call in a meta-tool: `execute-tool {server_name, tool_name, params}`, and the tool
 * definitions arrive as YAML in the results of `route`. Results are Python reprs of `CallToolResult`.
 */

interface RecordedTool {
  server: string
  name: string
  description?: string
  inputSchema?: Record<string, unknown>
  calls: number
  args: Array<Record<string, unknown>>
  results: ToolResult[]
  errors: string[]
}

type Message = { role?: string; content?: unknown; tool_call_id?: string; tool_calls?: unknown[] }
type Task = { messages?: Message[] }

const MAX_EXAMPLES = 6
const MAX_TEXT = 2_000

/** The string literal after `text=` in a Python repr, unescaped. */
export function pythonTextLiteral(repr: string): string | undefined {
  const at = repr.indexOf('text=')
  if (at < 0) return undefined
  const quote = repr[at + 5]
  if (quote !== "'" && quote !== '"') return undefined
  let out = ''
  for (let i = at + 6; i < repr.length; i++) {
    const c = repr[i]!
    if (c === quote) return out
    if (c !== '\\') {
      out += c
      continue
    }
    const next = repr[++i]
    if (next === 'n') out += '\n'
    else if (next === 't') out += '\t'
    else if (next === 'r') out += '\r'
    else if (next === 'x' || next === 'u' || next === 'U') {
      const width = next === 'x' ? 2 : next === 'u' ? 4 : 8
      out += String.fromCodePoint(Number.parseInt(repr.slice(i + 1, i + 1 + width), 16))
      i += width
    } else if (next !== undefined) out += next
  }
  return undefined
}

/** Recorded paths live under /root (the benchmark ran as root); a workspace path reads as ordinary use. */
function rehome<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/\/root\//g, '/workspace/shared/')) as T
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text
}

function schemaFrom(inputschema: unknown): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  const required: string[] = []
  if (inputschema && typeof inputschema === 'object') {
    for (const [key, spec] of Object.entries(inputschema as Record<string, unknown>)) {
      const match = /^\((Optional, )?(\w+)\)\s*(.*)$/s.exec(String(spec))
      properties[key] = { type: match?.[2] ?? 'string', description: (match?.[3] ?? '').trim() }
      if (!match?.[1]) required.push(key)
    }
  }
  return { type: 'object', properties, required }
}

function recordDefinitions(text: string, tools: Map<string, RecordedTool>): void {
  let parsed: unknown
  try {
    parsed = parseYaml(text)
  } catch {
    return
  }
  const matched = (parsed as { matched_tools?: unknown })?.matched_tools
  if (!Array.isArray(matched)) return
  for (const entry of matched as Array<Record<string, unknown>>) {
    const key = `${String(entry.server_name)}\u0000${String(entry.tool_name)}`
    const known = tools.get(key) ?? {
      server: String(entry.server_name),
      name: String(entry.tool_name),
      calls: 0,
      args: [],
      results: [],
      errors: [],
    }
    known.description ??= typeof entry.tool_description === 'string' ? entry.tool_description.trim() : ''
    known.inputSchema ??= schemaFrom(entry.inputschema)
    tools.set(key, known)
  }
}

function recordResult(text: string, target: RecordedTool): void {
  let result: { content?: Array<{ type?: string; text?: string }>; isError?: boolean }
  try {
    result = JSON.parse(text) as typeof result
  } catch {
    return // cut off at 10,000 characters by the recorder: not a usable example
  }
  const body = (result.content ?? []).find((item) => item.type === 'text')?.text
  if (body === undefined) return
  if (result.isError === true) {
    if (target.errors.length < MAX_EXAMPLES) target.errors.push(clip(rehome(body)))
  } else if (target.results.length < MAX_EXAMPLES) {
    target.results.push(textResult(clip(rehome(body))))
  }
}

function scan(tasks: Task[]): Map<string, RecordedTool> {
  const tools = new Map<string, RecordedTool>()
  const pending = new Map<string, { kind: 'route' } | { kind: 'call'; tool: RecordedTool }>()
  for (const task of tasks) {
    for (const message of task.messages ?? []) {
      for (const call of (message.tool_calls ?? []) as Array<{
        id?: string
        function?: { name?: string; arguments?: string }
      }>) {
        if (!call.id || !call.function) continue
        if (call.function.name === 'route') pending.set(call.id, { kind: 'route' })
        if (call.function.name !== 'execute-tool') continue
        let parsed: { server_name?: string; tool_name?: string; params?: unknown }
        try {
          parsed = JSON.parse(call.function.arguments ?? '') as typeof parsed
        } catch {
          continue
        }
        if (!parsed.server_name || !parsed.tool_name) continue
        const key = `${parsed.server_name}\u0000${parsed.tool_name}`
        const known = tools.get(key) ?? {
          server: parsed.server_name,
          name: parsed.tool_name,
          calls: 0,
          args: [],
          results: [],
          errors: [],
        }
        known.calls++
        const params =
          parsed.params && typeof parsed.params === 'object' ? (parsed.params as Record<string, unknown>) : {}
        if (known.args.length < MAX_EXAMPLES && JSON.stringify(params).length <= 4 * MAX_TEXT)
          known.args.push(rehome(params))
        tools.set(key, known)
        pending.set(call.id, { kind: 'call', tool: known })
      }
      if (message.role !== 'tool' || !message.tool_call_id || typeof message.content !== 'string') continue
      const source = pending.get(message.tool_call_id)
      const text = pythonTextLiteral(message.content)
      if (!source || text === undefined) continue
      if (source.kind === 'route') recordDefinitions(text, tools)
      else recordResult(text, source.tool)
    }
  }
  return tools
}

const SERVER_NAME = /^[a-z0-9][a-z0-9._-]{1,62}$/

/** Servers of the recording that were actually called, one `ServerSpec` each. */
export function loadLiveMcpBench(path: string, exclude: ReadonlySet<string>): ServerSpec[] {
  const tasks = JSON.parse(readFileSync(path, 'utf8')) as Task[]
  const byServer = new Map<string, RecordedTool[]>()
  for (const recorded of scan(tasks).values()) {
    if (recorded.calls === 0 || recorded.args.length === 0) continue
    if (!SERVER_NAME.test(recorded.server) || exclude.has(recorded.server)) continue
    byServer.set(recorded.server, [...(byServer.get(recorded.server) ?? []), recorded])
  }
  return [...byServer.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, recorded]) => ({
      name,
      version: '1.0.0',
      transport: 'stdio' as const,
      roles: ['developer', 'data-analyst', 'support', 'security-analyst'],
      origin: 'livemcpbench' as const,
      tools: recorded.map((rec) =>
        tool({
          name: rec.name,
          description: rec.description || `${rec.name} (${name})`,
          inputSchema: rec.inputSchema ?? { type: 'object', properties: {} },
          weight: rec.calls,
          latency: { medianMs: 260, sigma: 0.5 },
          args: (rng) => structuredClone(rng.pick(rec.args)),
          result: (rng) =>
            rec.results.length > 0 ? structuredClone(rng.pick(rec.results)) : textResult('ok'),
          toolError: (rng) =>
            rec.errors.length > 0
              ? rng.pick(rec.errors)
              : `Error executing tool ${rec.name}: upstream returned 502`,
        }),
      ),
    }))
}
