import { describe, expect, it } from 'vitest'
import { adversarialInputs, classSamples, cpuMs, measureGrowth, repeatTo } from './growth.js'
import { withDecoding } from './encoded.js'
import { ALL_DETECTORS, createScanner, type Scanner } from './scanner.js'

/**
 * Every detector (its pattern, prefilter and validators) is linear in the length of the text: on
 * inputs built to make a backtracking engine retry (long runs of the classes a detector accepts,
 * triggers without terminators, near-misses back to back), doubling the input must not much more
 * than double the time. A quadratic pattern gives a ratio near 4.
 */

const N = 20_000
const MAX_RATIO = 3
/** A first, single timing per size; only inputs that look superlinear here are measured carefully. */
const SCREEN_RATIO = 2.4

/** Text that makes each detector start a candidate match. */
const TRIGGERS: Record<string, readonly string[]> = {
  'private-key': ['-----BEGIN ', '-----BEGIN RSA PRIVATE KEY-----', '-----END '],
  'key-value': ['password=', 'password="', 'api_key: ', 'Authorization: ', '"token":"', 'password=${'],
  'url-credentials': ['://', 'https://user:', 'https://a@'],
  jwt: ['eyJ', 'eyJhbGciOiJIUzI1.eyJ'],
  jose: ['eyJhbGciOi', 'eyJhbGciOi.', 'eyJraWQiOiJ.a.', 'eyJ0eXAiOi..'],
  'credential-word': ['key ', 'key=', 'signingKey: "', 'token is ', '密钥', '口令：', 'key=key', "secret'"],
  'vendor-token': [
    'ghp_',
    'sk-',
    'sk-ant-ab12-',
    'xoxb-',
    'glpat-',
    'hooks.slack.com/services/',
    'AKIA',
    'SG.',
  ],
  authorization: ['Bearer ', 'Basic ', 'Bearer a'],
  email: ['@', 'a@', 'a@b.', "a'"],
  iban: ['DE89', 'DE89 ', 'GB82 WEST '],
  'cn-resident-id': ['11010519491231002'],
  'credit-card': ['4111', '4111 ', '4111-1111-'],
  'us-ssn': ['SSN ', '123-45-', '123 45 '],
  ipv4: ['1.', '192.168.', 'version '],
  ipv6: ['::', 'fe80:', '1:2:'],
  phone: ['+', '+1 ', '(555) ', 'Tel: ', '1 ', '00 '],
  'street-address': ['1 ', '12 Main ', 'A-', '1 A'],
  'street-address-name-first': ['Via ', 'Hauptstrasse ', 'A-', 'strasse', 'Rue A '],
  'street-address-box': ['P.O. Box ', 'PSC 1 Box ', 'Unit 1, Box '],
  person: ['Mr ', 'Name: ', 'Dear ', 'my name is ', 'Anna-'],
  'person-gazetteer': ['Anna ', 'Anna Smith ', 'by Anna', 'Anna-', 'A. '],
  'cn-person': ['联系人', '姓名：', '"name":"', '王先生', '张'],
  'cn-address': ['南山区科技园路', '路1号', '1号', '大厦3栋', '广东省深圳市'],
  'cn-bank-card': ['银行卡号：', '卡号 6222 ', 'card number 6222-'],
  'cn-uscc': ['91440300', '统一社会信用代码 9'],
  'cn-travel-document': ['护照 E', '通行证 C', '台胞证 1', 'passport '],
}

/** Known traps, written by hand: the street-address input of issue 15 and its relatives. */
const HAND_WRITTEN: Record<string, Array<{ name: string; make: (n: number) => string }>> = {
  'street-address': [
    { name: "'A-' repeated + ' 1 A'", make: (n) => repeatTo('A-', n - 4) + ' 1 A' },
    { name: "'1 ' + 'A-' repeated", make: (n) => '1 ' + repeatTo('A-', n - 2) },
  ],
  'street-address-name-first': [
    { name: "'Via ' + 'A.' repeated", make: (n) => 'Via ' + repeatTo('A.', n - 4) },
    { name: "'A' + ' ' run + 'strasse 1'", make: (n) => 'A' + repeatTo(' ', n - 10) + 'strasse 1' },
    { name: "'strasse' repeated, no digit", make: (n) => repeatTo('strasse ', n) },
  ],
  person: [{ name: "'Dear ' + 'Ab-' repeated", make: (n) => 'Dear ' + repeatTo('Ab-', n - 5) }],
  'cn-address': [
    { name: "Han run + '路' repeated, no number", make: (n) => repeatTo('深圳市南山区科技园路', n) },
    { name: "'路1号' + '大厦' run, no unit", make: (n) => '科技园路1号' + repeatTo('大厦', n - 6) },
  ],
  'cn-person': [{ name: "'联系人' + Han run", make: (n) => '联系人' + repeatTo('王', n - 3) }],
  'key-value': [
    { name: "'password=' + quote, no closing quote", make: (n) => repeatTo('password="a', n) },
    { name: "'PWD={' + no closing brace", make: (n) => repeatTo('PWD={a', n) },
    { name: "';Password=a ' + no ';'", make: (n) => ';Password=a ' + repeatTo('a ', n - 12) },
    { name: "'密码是' repeated", make: (n) => repeatTo('密码是', n) },
  ],
  'credential-word': [
    { name: "'key = ' + long value", make: (n) => 'key = ' + repeatTo('aB3', n - 6) },
    { name: "'key=' + value chars", make: (n) => repeatTo('key=aB3x', n) },
  ],
  jose: [{ name: 'long header, no dot', make: (n) => 'eyJhbGciOi' + repeatTo('A', n - 10) }],
}

/**
 * The scanner as it runs, and with every detector scanning whatever the prefilters say (as in a text
 * that holds every trigger); the second, slower one on the sparser inputs only.
 */
const scanners = [
  { label: 'with prefilters', scanner: createScanner(), dense: true },
  { label: 'every alternative', scanner: createScanner(new Set(), { prefilter: false }), dense: false },
]

/** The inputs on which `scanner` grows faster than linearly (empty when all are linear). */
function superlinear(
  label: string,
  scanner: Scanner,
  inputs: ReadonlyArray<{ name: string; make: (n: number) => string }>,
): string[] {
  const scan = (text: string) => scanner.scan(text)
  const slow: string[] = []
  for (const input of inputs) {
    const small = input.make(N)
    const large = input.make(2 * N)
    scan(small)
    let started = cpuMs()
    scan(small)
    const screenSmall = cpuMs() - started
    started = cpuMs()
    scan(large)
    const screenLarge = cpuMs() - started
    if (screenLarge < 1 || screenLarge / screenSmall < SCREEN_RATIO) continue
    // A quadratic input is slow every time; a slow batch on a busy machine is not.
    const growth = [1, 2, 3]
      .map(() => measureGrowth(scan, input.make, N))
      .reduce((best, next) => (next.ratio < best.ratio ? next : best))
    if (growth.ratio >= MAX_RATIO) {
      slow.push(
        `${label}: ${input.name}: ${growth.small.toFixed(2)} ms → ${growth.large.toFixed(2)} ms (×${growth.ratio.toFixed(1)})`,
      )
    }
  }
  return slow
}

describe('every detector scans in linear time', () => {
  for (const detector of ALL_DETECTORS) {
    it(`${detector.name}`, () => {
      const fill = classSamples(
        `${detector.pattern}${detector.prefilter?.source ?? ''}${detector.keywords?.join('') ?? ''}`,
      )
      expect(TRIGGERS[detector.name], `no triggers written for ${detector.name}`).toBeDefined()
      const slow = scanners.flatMap(({ label, scanner, dense }) =>
        superlinear(label, scanner, [
          ...adversarialInputs(TRIGGERS[detector.name] ?? [], fill, { dense }),
          ...(HAND_WRITTEN[detector.name] ?? []),
        ]),
      )
      expect(slow).toEqual([])
    }, 180_000)
  }
})

/**
 * The scan merges the candidates of every detector by position: a text holding the triggers of all of
 * them, back to back, makes every regex stop at almost every position and every merge step compare
 * all of them; candidates at every word with the other detectors' triggers only at the end would
 * make a merge that searched every regex again at each step rescan the text from each word.
 */
const ALL_TRIGGERS = Object.values(TRIGGERS).flat()
const TAIL = ' ' + ALL_TRIGGERS.join(' ')
const MERGE_INPUTS: Array<{ name: string; make: (n: number) => string }> = [
  { name: 'every trigger, space-separated', make: (n) => repeatTo(ALL_TRIGGERS.join(' ') + ' ', n) },
  { name: 'every trigger, back to back', make: (n) => repeatTo(ALL_TRIGGERS.join(''), n) },
  { name: 'every trigger, a line each', make: (n) => repeatTo(ALL_TRIGGERS.join('\n') + '\n', n) },
  { name: "'Anna ' repeated, every trigger at the end", make: (n) => repeatTo('Anna ', n) + TAIL },
]

describe('merging the candidates of all detectors is linear', () => {
  it('every detector triggered everywhere', () => {
    const slow = scanners.flatMap(({ label, scanner }) => superlinear(label, scanner, MERGE_INPUTS))
    expect(slow).toEqual([])
  }, 180_000)
})

const b64 = (text: string): string => Buffer.from(text).toString('base64')

/** Encodings within encodings, printable base64 (decoded and scanned again), escapes back to back. */
const ENCODED_INPUTS: Array<{ name: string; make: (n: number) => string }> = [
  { name: "'%41' repeated", make: (n) => repeatTo('%41', n) },
  { name: "'%2541' repeated (double escapes)", make: (n) => repeatTo('%2541', n) },
  { name: "'%E5%AF%86' repeated (UTF-8)", make: (n) => repeatTo('%E5%AF%86', n) },
  { name: "'%E5' repeated (broken UTF-8)", make: (n) => repeatTo('%E5', n) },
  { name: "'%41' + run of '+'", make: (n) => '%41' + repeatTo('+', n - 3) },
  { name: 'one printable base64 run', make: (n) => repeatTo(b64('key=aB3x '), n) },
  { name: 'base64 runs of 32 apart', make: (n) => repeatTo(b64('password=abcdefghijkl') + ' ', n) },
  { name: 'base64 of base64 of triggers', make: (n) => repeatTo(b64(b64('token is aB3x'.repeat(6))), n) },
  { name: 'percent-encoded base64', make: (n) => repeatTo(encodeURIComponent(b64('secret=aB3x+/')), n) },
]

describe('decoding scans in linear time', () => {
  it('percent-encoding and base64, nested to MAX_DECODE_DEPTH', () => {
    expect(superlinear('with decoding', withDecoding(createScanner()), ENCODED_INPUTS)).toEqual([])
  }, 180_000)
})
