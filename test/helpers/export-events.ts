import { expect } from 'vitest'
import { post } from './collector.js'

/** Values planted in every export test event: none may reach a sink. */
export const PLANTED_PII = ['alice@example.com', '4111 1111 1111 1111', 'AKIAIOSFODNN7EXAMPLE']

/**
 * Generic gateway tool calls carrying `PLANTED_PII`, for the export tests: event ids
 * `<tag>-00042`, one a second from `baseMs`; `extra(i)` adds or replaces fields of call `i`.
 */
export function plantedEvents(
  tag: string,
  from: number,
  count: number,
  baseMs: number,
  extra: (i: number) => Record<string, unknown> = () => ({}),
): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k
    return {
      event_id: `${tag}-${String(i).padStart(5, '0')}`,
      timestamp: new Date(baseMs + i * 1_000).toISOString(),
      method: 'tools/call',
      server: { name: 'filesystem' },
      tool: 'read_file',
      user: { id: 'alice@example.com' },
      arguments: { note: `mail alice@example.com, card 4111 1111 1111 1111, key AKIAIOSFODNN7EXAMPLE #${i}` },
      status: 'success',
      ...extra(i),
    }
  })
}

/** Posts `plantedEvents` to the collector in batches of 100, each answered 202. */
export async function postPlantedEvents(
  collectorUrl: string,
  token: string,
  events: {
    tag: string
    from: number
    count: number
    baseMs: number
    extra?: (i: number) => Record<string, unknown>
  },
): Promise<void> {
  const { tag, from, count, baseMs, extra } = events
  for (let start = from; start < from + count; start += 100) {
    const batch = plantedEvents(tag, start, Math.min(100, from + count - start), baseMs, extra)
    const answer = await post(`${collectorUrl}/v1/events`, JSON.stringify(batch), { token })
    expect(answer.status).toBe(202)
  }
}
