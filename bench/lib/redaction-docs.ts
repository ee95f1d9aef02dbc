import { withLuhnCheckDigit } from '../../services/normalizer/redaction/validators.js'

/** A clear value planted in a generated MCP document, and its type. */
export interface Labelled {
  type: string
  value: string
}

export interface McpDoc {
  doc: unknown
  values: Labelled[]
}

let seed = 20261124
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff
  return seed / 0x7fffffff
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
const digits = (count: number): string =>
  Array.from({ length: count }, () => Math.floor(random() * 10)).join('')
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const alnum = (count: number): string => Array.from({ length: count }, () => pick([...ALNUM])).join('')

function germanIban(): string {
  const bban = digits(18)
  const numeric = `${bban}131400` // "DE" → 13 14, check digits 00
  let remainder = 0
  for (const char of numeric) remainder = (remainder * 10 + Number(char)) % 97
  return `DE${String(98 - remainder).padStart(2, '0')}${bban}`
}

const NAMES = [
  'Ana Souza',
  'Jonas Weber',
  'Mei Lin',
  'Kofi Mensah',
  'Sofia Rossi',
  "Liam O'Brien",
  'Yuki Tanaka',
  'Priya Nair',
]

/** Realistic MCP tool calls and results carrying known clear values, for leak-free recall. */
export function generateMcpDocs(
  count: number,
  secretLines: ReadonlyArray<{ type: string; text: string; secret: string }>,
): McpDoc[] {
  const docs: McpDoc[] = []
  for (let i = 0; i < count; i++) {
    const name = pick(NAMES)
    const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`
    const phone = pick([
      `+49 151 ${digits(4)} ${digits(4)}`,
      `(415) 555-${digits(4)}`,
      `+86 138 ${digits(4)} ${digits(4)}`,
    ])
    const card = withLuhnCheckDigit(`4${digits(14)}`)
    const iban = germanIban()
    const ip = `203.0.113.${1 + Math.floor(random() * 250)}`
    const secret = pick(secretLines)
    const password = `pw-${alnum(10)}`
    const bearer = alnum(40)
    switch (i % 5) {
      case 0:
        docs.push({
          doc: {
            method: 'tools/call',
            params: { name: 'read_file', arguments: { path: '/srv/app/.env' } },
            result: {
              content: [
                {
                  type: 'text',
                  text: `NODE_ENV=production\nDATABASE_URL=postgres://app:${password}@db.internal:5432/app\nLOG_LEVEL=info\n${secret.text}\n`,
                },
              ],
              isError: false,
            },
          },
          values: [
            { type: 'URL_CREDENTIALS', value: password },
            { type: secret.type, value: secret.secret },
          ],
        })
        break
      case 1:
        docs.push({
          doc: {
            method: 'tools/call',
            params: { name: 'query', arguments: { sql: `SELECT * FROM customers WHERE email = '${email}'` } },
            result: {
              structuredContent: {
                rows: [
                  { id: i, name, email, phone, iban, card_number: card, created_at: '2026-11-24T10:00:00Z' },
                ],
              },
              isError: false,
            },
          },
          values: [
            { type: 'PERSON', value: name },
            { type: 'EMAIL', value: email },
            { type: 'PHONE', value: phone },
            { type: 'IBAN', value: iban },
            { type: 'CREDIT_CARD', value: card },
          ],
        })
        break
      case 2:
        docs.push({
          doc: {
            method: 'tools/call',
            params: {
              name: 'create_issue',
              arguments: {
                owner: 'acme',
                repo: 'billing',
                title: 'Refund failed for customer',
                body: `Customer ${email} (call ${phone}) reports card ${card.replace(/(\d{4})(?=\d)/g, '$1 ')} was charged twice. Request came from ${ip}.`,
              },
            },
            result: {
              content: [
                {
                  type: 'text',
                  text: `{"number": ${1000 + i}, "html_url": "https://github.com/acme/billing/issues/${1000 + i}"}`,
                },
              ],
            },
          },
          values: [
            { type: 'EMAIL', value: email },
            { type: 'PHONE', value: phone },
            { type: 'CREDIT_CARD', value: card.replace(/(\d{4})(?=\d)/g, '$1 ') },
            { type: 'IP_ADDRESS', value: ip },
          ],
        })
        break
      case 3:
        docs.push({
          doc: {
            method: 'tools/call',
            params: {
              name: 'fetch',
              arguments: {
                url: 'https://api.example.com/v1/orders?limit=20',
                headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' },
              },
            },
            result: {
              content: [
                {
                  type: 'text',
                  text: `{"orders": [{"id": "ord_${digits(8)}", "total": 41.5, "shipping": {"contact": "${email}"}}], "next_cursor": null}`,
                },
              ],
            },
          },
          values: [
            { type: 'BEARER_TOKEN', value: bearer },
            { type: 'EMAIL', value: email },
          ],
        })
        break
      default:
        docs.push({
          doc: {
            method: 'tools/call',
            params: { name: 'run_command', arguments: { command: 'kubectl logs deploy/payments --tail=3' } },
            result: {
              content: [
                {
                  type: 'text',
                  text: `2026-11-24T10:00:01Z INFO request from ${ip} took 12 ms\n2026-11-24T10:00:02Z WARN ${secret.text}\n2026-11-24T10:00:03Z INFO done`,
                },
              ],
            },
          },
          values: [
            { type: 'IP_ADDRESS', value: ip },
            { type: secret.type, value: secret.secret },
          ],
        })
    }
  }
  return docs
}
