import { collectorPath, type PathContext } from './collector-path.js'
import { generateEvents } from './events.js'

/**
 * Messages for `mcp.audit.raw` as the collector writes them: the generic events of events.ts, with
 * personal data and secrets mixed into some arguments and results at rates a busy tool gateway
 * sees, then run through the collector's own CPU path (adapter, validation, event id, key,
 * envelope). Seeded, so every run produces the same bytes (apart from timestamps).
 */

export interface RawMessage {
  key: string
  value: Buffer
}

/** Share of events that get each kind of sensitive content (an event may get several). */
export const SENSITIVE_RATES = {
  /** An e-mail address in a free-text argument (a message, an issue body, a file). */
  argumentEmail: 0.12,
  /** A path under a person's home directory. */
  homePath: 0.1,
  /** A credential: bearer JWT header, provider token, AWS key pair, URL with a password. */
  secret: 0.03,
  /** A phone number or a public IP address in free text. */
  phoneOrIp: 0.03,
  /** Customer e-mail addresses in the tool's result. */
  resultEmails: 0.08,
  /** A few hundred bytes of file or page content in the result. */
  longResult: 0.25,
} as const

type Random = () => number

function lcg(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 4_294_967_296
  }
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const alnum = (random: Random, length: number) =>
  Array.from({ length }, () => ALNUM[Math.floor(random() * ALNUM.length)]).join('')

const FIRST = ['jana', 'marco', 'li', 'priya', 'tom', 'sofia', 'ahmed', 'eva', 'kenji', 'lucas']
const LAST = ['novak', 'rossi', 'wei', 'patel', 'berg', 'garcia', 'haddad', 'meyer', 'sato', 'silva']
const DOMAINS = ['acme-corp.com', 'example.org', 'customer-mail.net', 'partner.io']
const FILLER =
  'The quarterly numbers are in line with the plan; the cache migration finished on Tuesday and the ' +
  'billing service now reads from the new cluster. Open items: rotate the staging credentials, close ' +
  'the incident review, and confirm the rollout window with the platform team before Friday. '

function email(random: Random): string {
  return `${pick(random, FIRST)}.${pick(random, LAST)}@${pick(random, DOMAINS)}`
}

function secret(random: Random): Record<string, unknown> {
  switch (Math.floor(random() * 4)) {
    case 0: {
      const jwt = `eyJhbGciOiJIUzI1NiJ9.${alnum(random, 60)}.${alnum(random, 43)}`
      return { headers: { Authorization: `Bearer ${jwt}`, Accept: 'application/json' } }
    }
    case 1:
      return { env: { GITHUB_TOKEN: `ghp_${alnum(random, 36)}`, CI: 'true' } }
    case 2:
      return {
        content: `[default]\naws_access_key_id = AKIA${alnum(random, 16).toUpperCase()}\naws_secret_access_key = ${alnum(random, 40)}\n`,
      }
    default:
      return { dsn: `postgres://app:${alnum(random, 14)}@db.internal:5432/app` }
  }
}

function phoneOrIp(random: Random): string {
  return random() < 0.5
    ? `call me on +1 415 555 ${String(Math.floor(random() * 9000 + 1000))} if the job fails`
    : `request came from 203.0.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`
}

/** Adds sensitive content to one generated event in place, following SENSITIVE_RATES. */
function enrich(event: Record<string, unknown>, random: Random): void {
  const args = (event.arguments ?? {}) as Record<string, unknown>
  if (random() < SENSITIVE_RATES.argumentEmail) {
    args.note = `assigned to ${email(random)} after the review, cc ${pick(random, FIRST)}`
  }
  if (random() < SENSITIVE_RATES.homePath) {
    args.path = `/home/${pick(random, FIRST)}.${pick(random, LAST)}/projects/${pick(random, LAST)}/notes.md`
  }
  if (random() < SENSITIVE_RATES.secret) Object.assign(args, secret(random))
  if (random() < SENSITIVE_RATES.phoneOrIp) args.comment = phoneOrIp(random)
  event.arguments = args

  const result = event.result as { content?: Array<{ type: string; text: string }> } | undefined
  const first = result?.content?.[0]
  if (!first) return
  if (random() < SENSITIVE_RATES.resultEmails) {
    first.text += `; matched rows: ${email(random)}, ${email(random)}, ${email(random)}`
  }
  if (random() < SENSITIVE_RATES.longResult) {
    const start = Math.floor(random() * 100)
    first.text += `\n${FILLER.slice(start)}${FILLER.slice(0, start + Math.floor(random() * 120))}`
  }
}

const BODY_EVENTS = 1_000

/** `count` generic events (JSON objects) with sensitive content mixed in at SENSITIVE_RATES. */
export function sensitiveEvents(count: number, seed = 20_261_124): Array<Record<string, unknown>> {
  const random = lcg(seed)
  return generateEvents(count, seed).map((text) => {
    const event = JSON.parse(text) as Record<string, unknown>
    enrich(event, random)
    return event
  })
}

/** `count` envelopes with distinct event ids, serialized as the collector sends them to Kafka. */
export function buildRawMessages(count: number, ctx: PathContext, seed = 20_261_124): RawMessage[] {
  const messages: RawMessage[] = []
  const events = sensitiveEvents(count, seed).map((event) => JSON.stringify(event))
  for (let start = 0; start < events.length; start += BODY_EVENTS) {
    const body = events.slice(start, start + BODY_EVENTS)
    for (const message of collectorPath(`[${body.join(',')}]`, ctx).events) {
      messages.push({ key: String(message.key), value: Buffer.from(String(message.value)) })
    }
  }
  return messages
}
