/**
 * Realistic generic events (DESIGN.md "The generic event") for load: a seeded generator, so every
 * run sends the same bytes. Tools, servers, users, clients, arguments and outcomes vary the way a
 * gateway's traffic does; four in ten events carry an event_id, the rest make the collector
 * derive one.
 */

type Random = () => number

/** mulberry32: small, fast and good enough to vary test data reproducibly. */
function seeded(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!

function hex(random: Random, length: number): string {
  let out = ''
  while (out.length < length)
    out += Math.floor(random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0')
  return out.slice(0, length)
}

function uuid(random: Random): string {
  const h = hex(random, 32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`
}

interface ToolSpec {
  name: string
  args: (random: Random) => Record<string, unknown>
  result: (random: Random) => string
}

const WORDS = [
  'invoice',
  'report',
  'deploy',
  'customer',
  'q3',
  'roadmap',
  'incident',
  'billing',
  'auth',
  'cache',
]
const word = (random: Random) => pick(random, WORDS)

const SERVERS: ReadonlyArray<{ name: string; version: string; transport: string; tools: ToolSpec[] }> = [
  {
    name: 'filesystem',
    version: '1.2.0',
    transport: 'stdio',
    tools: [
      {
        name: 'read_file',
        args: (r) => ({ path: `/data/${word(r)}/${word(r)}-${Math.floor(r() * 100)}.txt` }),
        result: (r) => `${word(r)} ${word(r)} summary, ${Math.floor(r() * 900 + 100)} lines`,
      },
      {
        name: 'list_directory',
        args: (r) => ({ path: `/data/${word(r)}` }),
        result: (r) => `${Math.floor(r() * 40)} entries`,
      },
      {
        name: 'write_file',
        args: (r) => ({ path: `/tmp/${word(r)}.md`, content: `# ${word(r)}\n${word(r)} ${word(r)}` }),
        result: () => 'ok',
      },
    ],
  },
  {
    name: 'github',
    version: '0.6.2',
    transport: 'streamable-http',
    tools: [
      {
        name: 'search_code',
        args: (r) => ({ q: `${word(r)} repo:acme/${word(r)}`, per_page: 20 }),
        result: (r) => `${Math.floor(r() * 50)} matches`,
      },
      {
        name: 'create_issue',
        args: (r) => ({ owner: 'acme', repo: word(r), title: `Fix ${word(r)} ${word(r)}`, labels: ['bug'] }),
        result: (r) => `issue #${Math.floor(r() * 5000)} created`,
      },
      {
        name: 'get_pull_request',
        args: (r) => ({ owner: 'acme', repo: word(r), pull_number: Math.floor(r() * 900) }),
        result: (r) => `open, ${Math.floor(r() * 30)} files changed`,
      },
    ],
  },
  {
    name: 'postgres',
    version: '0.3.1',
    transport: 'stdio',
    tools: [
      {
        name: 'query',
        args: (r) => ({
          sql: `SELECT id, status FROM ${word(r)} WHERE created_at > now() - interval '1 day'`,
        }),
        result: (r) => `${Math.floor(r() * 200)} rows`,
      },
      { name: 'list_tables', args: () => ({ schema: 'public' }), result: (r) => `${word(r)}, ${word(r)}` },
    ],
  },
  {
    name: 'slack',
    version: '2.0.4',
    transport: 'sse',
    tools: [
      {
        name: 'post_message',
        args: (r) => ({ channel: `#${word(r)}`, text: `The ${word(r)} ${word(r)} is ready for review` }),
        result: (r) => `ts ${Math.floor(r() * 1e9)}.000${Math.floor(r() * 100)}`,
      },
      {
        name: 'list_channels',
        args: () => ({ limit: 100 }),
        result: (r) => `${Math.floor(r() * 80)} channels`,
      },
    ],
  },
  {
    name: 'web-fetch',
    version: '1.0.0',
    transport: 'streamable-http',
    tools: [
      {
        name: 'fetch',
        args: (r) => ({ url: `https://docs.example.com/${word(r)}/${word(r)}`, max_length: 5000 }),
        result: (r) => `200 OK, ${Math.floor(r() * 90 + 10)} kB`,
      },
    ],
  },
]

const CLIENTS = [
  { name: 'claude-desktop', version: '1.4.0' },
  { name: 'cursor', version: '1.7.2' },
  { name: 'vscode-copilot', version: '1.104.0' },
  { name: 'internal-agent', version: '0.9.12' },
]
const ROLES = [['mcp-developer'], ['analyst'], ['sre', 'mcp-developer'], ['support']]
const AUTH = ['oauth2', 'oauth2', 'api_key', 'mtls']
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1']
const USERS = 200

/** `count` generic events as JSON texts, timestamps spread over the minute before `now`. */
export function generateEvents(count: number, seed = 20_261_124, now = Date.now()): string[] {
  const random = seeded(seed)
  const sessions = Array.from({ length: USERS }, () => uuid(random))
  const events: string[] = []
  for (let index = 0; index < count; index++) {
    const server = pick(random, SERVERS)
    const tool = pick(random, server.tools)
    const userIndex = Math.floor(random() * USERS)
    const roll = random()
    const status = roll < 0.92 ? 'success' : roll < 0.97 ? 'error' : roll < 0.99 ? 'denied' : 'timeout'
    const event = {
      ...(random() < 0.4 ? { event_id: uuid(random) } : {}),
      timestamp: new Date(now - Math.floor(random() * 60_000)).toISOString(),
      method: 'tools/call',
      server: { name: server.name, version: server.version, transport: server.transport },
      tool: tool.name,
      ...(random() < 0.5 ? { session_id: sessions[userIndex]! } : {}),
      request_id: String(index),
      ...(random() < 0.2 ? { trace_id: hex(random, 32) } : {}),
      client: pick(random, CLIENTS),
      user: {
        id: `user${String(userIndex).padStart(3, '0')}@example.com`,
        roles: ROLES[userIndex % ROLES.length]!,
        auth_method: AUTH[userIndex % AUTH.length]!,
      },
      source_ip: `10.${userIndex % 4}.${Math.floor(userIndex / 4)}.${(userIndex * 7) % 250}`,
      arguments: tool.args(random),
      ...(status === 'success'
        ? { result: { content: [{ type: 'text', text: tool.result(random) }], isError: false } }
        : {}),
      status,
      ...(status === 'error'
        ? { error: { code: -32603, message: `${server.name} failed: ${word(random)} unavailable` } }
        : status === 'denied'
          ? { error: { code: -32001, message: 'denied by policy' } }
          : {}),
      duration_ms: Math.round(random() * random() * 2_000),
      ...(status === 'denied' ? { decision: 'deny' } : {}),
      ...(userIndex % 2 === 0 ? { data_region: REGIONS[userIndex % REGIONS.length]! } : {}),
    }
    events.push(JSON.stringify(event))
  }
  return events
}

/**
 * Request bodies of `batch` events each, cycling through `events`: a batch of one is a bare JSON
 * object (one event per request), larger batches are JSON arrays.
 */
export function buildBodies(events: readonly string[], batch: number, bodies: number): string[] {
  const out: string[] = []
  let cursor = 0
  for (let index = 0; index < bodies; index++) {
    const slice: string[] = []
    for (let n = 0; n < batch; n++) {
      slice.push(events[cursor % events.length]!)
      cursor++
    }
    out.push(batch === 1 ? slice[0]! : `[${slice.join(',')}]`)
  }
  return out
}
