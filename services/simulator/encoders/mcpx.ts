import { isoMs } from '../clock.js'
import type { Encoder } from './shared.js'

/**
 * Lunar MCPX audit log entries (mcpx/packages/shared-model/src/api/audit-log.ts). MCPX logs what was used,
 * not how it went: no status, latency or error. Its consumer tag names the caller.
 */
export const encodeMcpx: Encoder = (call) => {
  const consumer = call.user ? { consumerTag: call.user.id } : {}
  const base = { timestamp: isoMs(call.timeUs), createdAt: isoMs(call.timeUs + 4_000) }
  if (call.method === 'tools/call') {
    const payload = {
      toolName: call.tool,
      targetServerName: call.server.name,
      args: call.params?.arguments ?? {},
      ...consumer,
    }
    return [{ record: { ...base, eventType: 'tool_used', payload }, events: 1 }]
  }
  if (call.method === 'prompts/get') {
    const payload = {
      promptName: call.prompt,
      targetServerName: call.server.name,
      args: call.params?.arguments ?? {},
      ...consumer,
    }
    return [{ record: { ...base, eventType: 'prompt_used', payload }, events: 1 }]
  }
  if (call.method === 'resources/read') {
    const payload = { resourceUri: call.resourceUri, targetServerName: call.server.name, ...consumer }
    return [{ record: { ...base, eventType: 'resource_read', payload }, events: 1 }]
  }
  return []
}
