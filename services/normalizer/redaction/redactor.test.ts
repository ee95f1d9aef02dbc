import { describe, expect, it } from 'vitest'
import { loadMcpTrafficTexts, loadPiiCorpus, loadPresidioSynth, loadSecretsCorpus } from './fixtures.js'
import { RedactionSettings, type FindingType } from '../../../schemas/redaction.js'
import { createRedactor } from './index.js'
import { createScanner } from './scanner.js'

const hmacKey = 'test-key-0123456789abcdef'

describe('pseudonyms', () => {
  it('are stable for one key and value, differ across keys, and ignore e-mail case', () => {
    const a = createRedactor({ hmacKey })
    const b = createRedactor({ hmacKey })
    const other = createRedactor({ hmacKey: 'another-key-0123456789' })
    const text = 'from Alice@Example.com'
    expect(a.redactText(text).text).toBe(b.redactText(text).text)
    expect(a.redactText(text).text).toBe(a.redactText('from alice@example.com').text)
    expect(a.redactText(text).text).not.toBe(other.redactText(text).text)
    expect(a.redactText(text).text).toMatch(/^from \[EMAIL:[0-9a-f]{16}\]$/)
  })

  it('use the configured length and apply to the configured types only', () => {
    const redactor = createRedactor({ hmacKey, pseudonymizeTypes: ['PHONE'], pseudonymHexChars: 8 })
    expect(redactor.redactText('x@example.com +14155552671').text).toMatch(
      /^\[REDACTED:EMAIL\] \[PHONE:[0-9a-f]{8}\]$/,
    )
  })

  it('refuse a short key at start-up', () => {
    expect(() => createRedactor({ hmacKey: 'short' })).toThrow(/at least 16 characters/)
  })
})

describe('pseudonymizeUser', () => {
  const redactor = createRedactor({ hmacKey, serviceAccounts: ['ci-bot', 'svc-*'] })

  it('always hashes ordinary users with the key', () => {
    const first = redactor.pseudonymizeUser('alice@example.com')
    expect(first).toEqual({ value: expect.stringMatching(/^[0-9a-f]{16}$/) as string, kind: 'pseudonym' })
    expect(redactor.pseudonymizeUser(' alice@example.com ')).toEqual(first)
    expect(redactor.pseudonymizeUser('Alice@example.com').value).not.toBe(first.value)
    expect(
      createRedactor({ hmacKey: 'another-key-0123456789' }).pseudonymizeUser('alice@example.com').value,
    ).not.toBe(first.value)
  })

  it('keeps allow-listed service accounts in clear and reports missing users', () => {
    expect(redactor.pseudonymizeUser('ci-bot')).toEqual({ value: 'ci-bot', kind: 'service_account' })
    expect(redactor.pseudonymizeUser('svc-reporter')).toEqual({
      value: 'svc-reporter',
      kind: 'service_account',
    })
    expect(redactor.pseudonymizeUser('ci-bot-2').kind).toBe('pseudonym')
    for (const missing of [null, undefined, '', '   ']) {
      expect(redactor.pseudonymizeUser(missing)).toEqual({ value: '', kind: 'none' })
    }
  })
})

describe('ipMode', () => {
  const text = 'from 203.0.113.7 via 2001:db8:85a3::8a2e:370:7334'
  it.each([
    ['keep', 'from 203.0.113.7 via 2001:db8:85a3::8a2e:370:7334', {}],
    ['truncate', 'from 203.0.113.0/24 via 2001:db8:85a3::/48', { IP_ADDRESS: 2 }],
    ['redact', 'from [REDACTED:IP_ADDRESS] via [REDACTED:IP_ADDRESS]', { IP_ADDRESS: 2 }],
  ] as const)('%s', (ipMode, expected, findings) => {
    const result = createRedactor({ hmacKey, ipMode }).redactText(text)
    expect(result.text).toBe(expected)
    expect(result.findings).toEqual(findings)
  })

  it('hash (default) gives joinable pseudonyms', () => {
    const redactor = createRedactor({ hmacKey })
    expect(redactor.redactText(text).text).toMatch(
      /^from \[IP_ADDRESS:[0-9a-f]{16}\] via \[IP_ADDRESS:[0-9a-f]{16}\]$/,
    )
  })
})

describe('findings', () => {
  it('count every redacted value by type', () => {
    const redactor = createRedactor({ hmacKey, pseudonymizeTypes: [] })
    const result = redactor.redactText(
      'a@example.com, b@example.com, 4111111111111111, ssn 460-89-9847, password=x, Bearer abc12345xyz',
    )
    expect(result.findings).toEqual({
      EMAIL: 2,
      CREDIT_CARD: 1,
      US_SSN: 1,
      SENSITIVE_KEY: 1,
      BEARER_TOKEN: 1,
    })
    expect(redactor.redactText('nothing here').findings).toEqual({})
  })
})

describe('no clear value in any output', () => {
  const redactor = createRedactor({ hmacKey, ipMode: 'hash' })
  /** [the clear value, a text that carries it with whatever context its detector needs] */
  const cases: Array<[string, string]> = [
    ...loadSecretsCorpus().positives.map((positive): [string, string] => [positive.secret, positive.text]),
    ...[
      'alice.smith@example.com',
      '+49 151 23456789',
      '4111 1111 1111 1111',
      'DE89 3704 0044 0532 0130 00',
      '460-89-9847',
      '11010519491231002X',
      '198.51.100.23',
      '2001:db8:1234::42',
    ].map((value): [string, string] => [value, value]),
  ]

  it.each(cases.map(([value, text]) => [value.slice(0, 24), value, text] as const))(
    '%s…',
    (_label, value, carrier) => {
      const wrappers = [
        carrier,
        `note: ${carrier}`,
        `"${carrier}"`,
        `(${carrier}).`,
        `line one\n${carrier}\nline three`,
      ]
      for (const text of wrappers) {
        expect(redactor.redactText(text).text, text).not.toContain(value)
        const json = redactor.redactJson(
          { args: { note: text, list: [text, { deeper: text }] } },
          { maxBytes: 600 },
        ).json
        expect(json, text).not.toContain(value)
        expect(json, text).not.toContain(JSON.stringify(value).slice(1, -1))
      }
    },
  )
})

describe('robustness', () => {
  it('stays linear on adversarial input', () => {
    const redactor = createRedactor({ hmacKey, maxStringBytes: 1_000_000 })
    const inputs = [
      '1'.repeat(100_000),
      '12 '.repeat(30_000),
      'a@'.repeat(50_000),
      `${'a'.repeat(60)}@b.`.repeat(1500),
      'a:'.repeat(50_000),
      '-----BEGIN '.repeat(9_000),
      'password='.repeat(10_000),
      'Mr. Aaaa Bbbb Cccc '.repeat(5_000),
      '12 Aaaa Bbbb Cccc Dddd '.repeat(4_000),
      'GB82 '.repeat(20_000),
      'token="'.repeat(10_000),
      '+1 '.repeat(30_000),
    ]
    for (const input of inputs) {
      const started = performance.now()
      redactor.redactText(input)
      expect(performance.now() - started, input.slice(0, 20)).toBeLessThan(500)
    }
  })

  it('prefilters never change the result (presidio sentences, MCP traffic, secrets and PII corpora)', () => {
    const filtered = createScanner()
    const unfiltered = createScanner(new Set(), { prefilter: false })
    const corpus = loadSecretsCorpus()
    const texts = [
      ...loadPresidioSynth().map((record) => record.full_text),
      ...loadMcpTrafficTexts(),
      ...corpus.positives.map((positive) => positive.text),
      ...corpus.negatives.map((negative) => negative.text),
      ...loadPiiCorpus().map((record) => record.text),
    ]
    for (const text of texts) expect(filtered.scan(text)).toEqual(unfiltered.scan(text))
  })

  it('start hints and left-out detectors never change the result (random text dense in triggers)', () => {
    // Each set leaves out the detectors of its types; the unfiltered scanner runs them and refuses their hits.
    const disabledSets: FindingType[][] = [
      [],
      ['EMAIL'],
      ['IP_ADDRESS'],
      ['PERSON', 'STREET_ADDRESS'],
      ['CREDIT_CARD'],
      ['PHONE', 'US_SSN', 'CN_RESIDENT_ID', 'CN_USCC', 'CN_PASSPORT', 'CN_TRAVEL_PERMIT', 'CN_ADDRESS'],
    ]
    const pieces = [
      ...['a', 'B', '0', '7', 'f', 'E', '.', '-', '_', "'", '%', '+', '@', ':', ' ', '\n', '联', '号'],
      ...['x@example.com', "o'neil@mail.example.org", 'fe80::1', '2001:db8::8a2e:370:7334', '12:30:45'],
      ...['::ffff:10.0.0.1', '4111 1111 1111 1111', '13812345678', '192.168.1.20', 'Anna Smith', 'Mr. '],
      ...[
        '110101199003074578',
        '221 Baker Street',
        'ssn 078-05-1120',
        '联系人张伟',
        'GB82 WEST 1234 5698 7654 32',
      ],
    ]
    let seed = 7
    const random = (below: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed % below
    }
    const texts = Array.from({ length: 3000 }, () =>
      Array.from({ length: 1 + random(24) }, () => pieces[random(pieces.length)]).join(''),
    )
    for (const disabled of disabledSets) {
      const fast = createScanner(new Set(disabled))
      const plain = createScanner(new Set(disabled), { prefilter: false })
      for (const text of texts)
        expect(fast.scan(text), `${disabled.join()}: ${text}`).toEqual(plain.scan(text))
    }
  })
})

describe('RedactionSettings', () => {
  it('has defaults for an empty or absent section', () => {
    const defaults = RedactionSettings.parse(undefined)
    expect(defaults).toEqual(RedactionSettings.parse({}))
    expect(defaults).toMatchObject({ ipMode: 'hash', pseudonymizeTypes: ['EMAIL'], maxDepth: 32 })
  })

  it('rejects unknown types and IP_ADDRESS in pseudonymizeTypes, naming the key', () => {
    expect(RedactionSettings.safeParse({ disabledTypes: ['NOPE'] }).error?.issues[0]?.path).toEqual([
      'disabledTypes',
      0,
    ])
    const ip = RedactionSettings.safeParse({ pseudonymizeTypes: ['IP_ADDRESS'] })
    expect(ip.error?.issues[0]?.path).toEqual(['pseudonymizeTypes'])
    expect(ip.error?.issues[0]?.message).toMatch(/ipMode/)
  })

  it('coerces numbers from environment-style strings', () => {
    expect(RedactionSettings.parse({ maxDepth: '8' }).maxDepth).toBe(8)
  })
})
