import { repeatTo } from '../../services/normalizer/redaction/growth.js'

/**
 * Events for the security benchmark: the quadratic traps of issue 15 (finding 2) at ~64 K
 * characters in arguments and results, a control batch of ordinary text of the same count and
 * sizes, and small ordinary events (the ones that must not wait behind either batch).
 */

/** The adversarial strings of bench/linear-time.ts, at `n` characters. */
export const HOSTILE_STRINGS: ReadonlyArray<{ name: string; make: (n: number) => string }> = [
  { name: "'A-'… + ' 1 A'", make: (n) => repeatTo('A-', n - 4) + ' 1 A' },
  { name: "'strasse '…", make: (n) => repeatTo('strasse ', n) },
  { name: "'nc '…", make: (n) => repeatTo('nc ', n) },
  { name: "'<' + spaces", make: (n) => '<' + repeatTo(' ', n - 1) },
]

const PROSE =
  'The quarterly numbers are in line with the plan; the cache migration finished on Tuesday and the ' +
  'billing service now reads from the new cluster. Open items: rotate the staging credentials, close ' +
  'the incident review, and confirm the rollout window with the platform team before Friday. ' +
  'Orders 4711 to 4790 shipped from the warehouse in Rotterdam; 12 were returned, 3 of them damaged. '

/** One event of the generic format; the long string goes into the arguments or the result. */
function event(id: string, text: string, inArguments: boolean, index: number): Record<string, unknown> {
  return {
    event_id: id,
    timestamp: new Date().toISOString(),
    method: 'tools/call',
    server: { name: 'filesystem', version: '1.2.0', transport: 'streamable-http' },
    tool: inArguments ? 'write_file' : 'read_file',
    client: { name: 'claude-desktop', version: '1.4.0' },
    user: { id: `user${index % 7}@bench.example`, roles: ['mcp-developer'], auth_method: 'oauth2' },
    source_ip: `10.1.2.${index % 20}`,
    session_id: `sess-${index % 9}`,
    arguments: inArguments
      ? { path: `/data/notes-${index}.txt`, content: text }
      : { path: `/data/in-${index}.txt` },
    result: { content: [{ type: 'text', text: inArguments ? 'ok' : text }], isError: false },
    status: 'success',
    duration_ms: 12 + (index % 40),
  }
}

/** `count` events, each with one string of `chars` characters, every kind in turn, in arguments then in results. */
export function hostileBatch(prefix: string, count: number, chars: number): Array<Record<string, unknown>> {
  const strings = HOSTILE_STRINGS.map(({ make }) => make(chars))
  return Array.from({ length: count }, (_, i) =>
    event(`${prefix}-${i}`, strings[i % strings.length]!, Math.floor(i / strings.length) % 2 === 0, i),
  )
}

/** The control: the same count of events with strings of the same length, ordinary prose. */
export function ordinaryBatch(prefix: string, count: number, chars: number): Array<Record<string, unknown>> {
  const text = repeatTo(PROSE, chars)
  return Array.from({ length: count }, (_, i) => event(`${prefix}-${i}`, text, i % 2 === 0, i))
}

/** Small ordinary events, as a gateway sends them all day. */
export function smallEvents(prefix: string, count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) =>
    event(`${prefix}-${i}`, `contact user${i % 7}@bench.example about order ${4711 + i}`, i % 2 === 0, i),
  )
}

export function eventIds(events: ReadonlyArray<Record<string, unknown>>): string[] {
  return events.map((event) => String(event.event_id))
}
