import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GenericEvent } from '../../../schemas/event.js'
import { dockerAdapter } from './docker.js'
import { CORPORA_DIR, eventsOf, TEST_CONTEXT } from './fixtures.js'
import { genericAdapter } from './generic.js'
import { detectFormat } from './index.js'
import { isObject, type JsonObject } from './shared.js'

// Reading a missing corpus throws ENOENT with its path: the file fails instead of skipping.
const SPEC_DIR = join(CORPORA_DIR, 'mcp-spec-examples')
const LIVEMCPBENCH = join(CORPORA_DIR, 'livemcpbench/livemcpbench-claude-sonnet-4.json')

function specExamples(type: string): [string, unknown][] {
  const dir = join(SPEC_DIR, type)
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => [`${type}/${file}`, JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown])
}

function expectValid(events: JsonObject[]): void {
  for (const event of events) expect(GenericEvent.safeParse(event).error?.issues ?? []).toEqual([])
}

describe('MCP 2026-07-28 spec examples through the docker adapter', () => {
  const ctx = { ...TEST_CONTEXT, serverName: 'weather' }

  it('finds the CallToolRequest and CallToolResult examples', () => {
    expect(specExamples('CallToolRequest').length).toBeGreaterThan(0)
    expect(specExamples('CallToolResult').length).toBeGreaterThan(0)
  })

  it.each(specExamples('CallToolRequest'))('%s maps to a valid tools/call event', (_file, example) => {
    expect(detectFormat(example)).toBe('docker')
    const events = eventsOf(dockerAdapter.adapt(example, ctx))
    expectValid(events)
    expect(events[0]).toMatchObject({
      method: 'tools/call',
      tool: 'get_weather',
      server: { name: 'weather' },
      request_id: 'call-tool-example',
      client: { name: 'ExampleClient', version: '1.0.0' },
      arguments: { location: 'New York' },
      attributes: { protocol_version: '2026-07-28' },
    })
  })

  it.each([...specExamples('CallToolResult'), ...specExamples('CallToolResultResponse')])(
    '%s maps to a valid result event whose status follows isError',
    (_file, example) => {
      expect(detectFormat(example)).toBe('docker')
      const events = eventsOf(dockerAdapter.adapt(example, ctx))
      expectValid(events)
      const result = isObject(example) && isObject(example.result) ? example.result : example
      const isError = isObject(result) && result.isError === true
      expect(events[0]).toMatchObject({ status: isError ? 'error' : 'success', result })
    },
  )

  it.each([
    ...specExamples('ReadResourceRequest'),
    ...specExamples('GetPromptRequest'),
    ...specExamples('ListToolsRequest'),
  ])('%s maps to its method and target', (_file, example) => {
    const events = eventsOf(dockerAdapter.adapt(example, ctx))
    expectValid(events)
    const method = isObject(example) ? example.method : undefined
    expect(events[0]).toMatchObject({ method })
    if (method === 'resources/read')
      expect(events[0]).toMatchObject({ resource_uri: 'file:///project/src/main.rs' })
    if (method === 'prompts/get') expect(events[0]).toMatchObject({ prompt: 'code_review' })
  })

  it.each([
    ...specExamples('InvalidParamsError'),
    ...specExamples('MethodNotFoundError'),
    ...specExamples('InternalError'),
  ])('%s in a JSON-RPC error response maps to status error with its code', (_file, error) => {
    const events = eventsOf(dockerAdapter.adapt({ jsonrpc: '2.0', id: 9, error }, ctx))
    expectValid(events)
    expect(events[0]).toMatchObject({
      status: 'error',
      error: { code: isObject(error) ? error.code : undefined },
    })
  })
})

type ToolCall = { server: string; tool: string; params: unknown; content: string }

/** LiveMCPBench `execute-tool` calls and the tool message answering each. */
function recordedToolCalls(limit: number): ToolCall[] {
  const tasks = JSON.parse(readFileSync(LIVEMCPBENCH, 'utf8')) as { messages: JsonObject[] }[]
  const calls: ToolCall[] = []
  for (const task of tasks) {
    const answers = new Map(task.messages.map((message) => [message.tool_call_id, message.content]))
    for (const message of task.messages) {
      for (const call of Array.isArray(message.tool_calls) ? (message.tool_calls as JsonObject[]) : []) {
        const fn = call.function as JsonObject
        if (fn.name !== 'execute-tool') continue
        const args = JSON.parse(String(fn.arguments)) as JsonObject
        const content = answers.get(call.id)
        calls.push({
          server: String(args.server_name),
          tool: String(args.tool_name),
          params: args.params,
          content: String(content),
        })
        if (calls.length >= limit) return calls
      }
    }
  }
  return calls
}

/** What a home-grown gateway would log for the call: its own status word, the raw tool output. */
function statusOf(content: string): string {
  if (/timed out/i.test(content)) return 'timeout'
  return /isError=True\s*$|"isError": true/.test(content) ? 'failed' : 'success'
}

describe('LiveMCPBench recorded tool calls as simple gateway log records', () => {
  const calls = recordedToolCalls(120)

  it('maps every recorded call to a valid event with its tool, server, arguments and status', () => {
    expect(calls.length).toBeGreaterThan(50)
    const statuses = new Set<unknown>()
    calls.forEach((call, index) => {
      const record = {
        timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
        tool: call.tool,
        params: call.params,
        server_name: call.server,
        user_id: 'livemcpbench-agent',
        result: call.content,
        status: statusOf(call.content),
      }
      expect(detectFormat(record)).toBe('generic')
      const events = eventsOf(genericAdapter.adapt(record, TEST_CONTEXT))
      expectValid(events)
      expect(events[0]).toMatchObject({
        method: 'tools/call',
        tool: call.tool,
        server: { name: call.server },
        user: { id: 'livemcpbench-agent' },
        arguments: call.params,
        result: call.content,
      })
      statuses.add(events[0]?.status)
    })
    expect([...statuses].sort()).toEqual(['error', 'success', 'timeout'])
  })
})
