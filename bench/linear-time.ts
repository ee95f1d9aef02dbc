/**
 * How long the redaction scanner and the built-in rule regexes take on the adversarial strings of
 * issue 15, at 4 to 64 K characters: time should double with the size, not quadruple. Prints a
 * table; run with `npm run build && node dist/bench/linear-time.js`.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { compileRegex } from '../services/detector/rules/regex.js'
import { cpuMs, repeatTo } from '../services/normalizer/redaction/growth.js'
import { createScanner } from '../services/normalizer/redaction/scanner.js'

const SIZES = [4_096, 8_192, 16_384, 32_768, 65_536]

const STRINGS: Array<{ name: string; make: (n: number) => string }> = [
  { name: "'A-'… + ' 1 A' (street address)", make: (n) => repeatTo('A-', n - 4) + ' 1 A' },
  { name: "'strasse '… (street prefilter)", make: (n) => repeatTo('strasse ', n) },
  { name: "'Dear ' + 'Ab-'… (person)", make: (n) => 'Dear ' + repeatTo('Ab-', n - 5) },
  { name: "'password=\"a'… (key-value)", make: (n) => repeatTo('password="a', n) },
  { name: "'nc '… (command injection rule)", make: (n) => repeatTo('nc ', n) },
  { name: "'<' + spaces (prompt injection rule)", make: (n) => '<' + repeatTo(' ', n - 1) },
]

function collectRegexes(node: unknown, out: RegExp[]): RegExp[] {
  if (Array.isArray(node)) node.forEach((item) => collectRegexes(item, out))
  else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>
    if (typeof record.regex === 'string') out.push(compileRegex(record.regex, record.case_sensitive === true))
    Object.values(record).forEach((value) => collectRegexes(value, out))
  }
  return out
}

function best(run: () => void): number {
  let fastest = Infinity
  for (let i = 0; i < 3; i++) {
    const started = cpuMs()
    run()
    fastest = Math.min(fastest, cpuMs() - started)
  }
  return fastest
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const pack = collectRegexes(parse(readFileSync(resolve(root, 'rules/mcp-core.yaml'), 'utf8')), [])
const scanner = createScanner()

console.log(['string', ...SIZES.map((size) => `${size / 1024}K ms`)].join('\t'))
for (const { name, make } of STRINGS) {
  const times = SIZES.map((size) => {
    const text = make(size)
    return best(() => {
      scanner.scan(text)
      for (const regex of pack) regex.test(text)
    })
  })
  console.log([name, ...times.map((ms) => ms.toFixed(2))].join('\t'))
}
