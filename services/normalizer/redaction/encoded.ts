import { asciiSet, type Hit } from './detector.js'
import { percentDecode } from './percent.js'
import type { Scanner } from './scanner.js'
import { SECRET_TYPES, type FindingType } from '../../../schemas/redaction.js'

/**
 * Secrets hidden by an encoding: percent-encoded text (`Authorization%3A%20Bearer%20…`) and base64 or
 * base64url strings (a Kubernetes Secret's `data["tls.key"]`, a JSON credential file passed as one
 * string). The decoded text is scanned by the same detectors, and what they find is replaced in the
 * input: a percent-decoded hit maps back to its encoded span, a base64 string with any hit inside
 * goes whole.
 *
 * Cost stays linear and within the scan budget: decoding is linear, a decoded text is never longer
 * than its input, and nesting is cut at {@link MAX_DECODE_DEPTH} (base64 in percent-encoding in
 * base64…), so a string is scanned a bounded number of times.
 */
export const MAX_DECODE_DEPTH = 2
/**
 * The shortest base64 string decoded: 32 characters are 24 bytes, about the shortest JSON credential
 * (`{"password":"hunter22"}`); shorter ones (`Basic` credentials) have their own detector.
 */
export const MIN_BASE64_CHARS = 32

/** base64 and base64url characters (both alphabets: Node decodes either). */
const BASE64 = asciiSet('A-Za-z0-9+/_-')

/**
 * Maximal runs of base64 characters of at least {@link MIN_BASE64_CHARS}, with up to two `=` of
 * padding, as [start, end) pairs. This runs on every string, so it skips like Boyer-Moore: when the
 * last character of a window is not base64, no run can start inside the window. Each character is
 * looked at about once; in prose most are never looked at.
 */
function base64Runs(text: string): Array<[number, number]> {
  const runs: Array<[number, number]> = []
  let at = 0
  while (at + MIN_BASE64_CHARS <= text.length) {
    if (!BASE64.has(text, at + MIN_BASE64_CHARS - 1)) {
      at += MIN_BASE64_CHARS
      continue
    }
    let back = at + MIN_BASE64_CHARS - 2
    while (back >= at && BASE64.has(text, back)) back--
    if (back >= at) {
      at = back + 1
      continue
    }
    let end = at + MIN_BASE64_CHARS
    while (end < text.length && BASE64.has(text, end)) end++
    const padded = text.startsWith('==', end) ? end + 2 : text[end] === '=' ? end + 1 : end
    runs.push([at, padded])
    at = end + 1
  }
  return runs
}

const SECRETS = new Set<FindingType>(SECRET_TYPES)
const NO_HITS: readonly Hit[] = []

/** UTF-8 text without control characters (tabs and newlines aside), or null: random bytes never are. */
function asText(bytes: Buffer): string | null {
  for (const byte of bytes) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f) return null
  }
  const text = bytes.toString('utf8')
  return text.includes('\ufffd') ? null : text
}

/** Non-overlapping hits sorted by start; overlapping ones merge into the first one's type. */
function mergeHits(hits: Hit[]): Hit[] {
  hits.sort((a, b) => a.start - b.start || b.end - a.end)
  const merged: Hit[] = []
  for (const hit of hits) {
    const last = merged.at(-1)
    if (last !== undefined && hit.start < last.end) last.end = Math.max(last.end, hit.end)
    else merged.push({ ...hit })
  }
  return merged
}

/** A scanner that also scans what `inner` cannot see: percent-decoded text and decoded base64. */
export function withDecoding(inner: Scanner): Scanner {
  function scanAt(text: string, depth: number): Hit[] {
    const hits = inner.scan(text)
    if (depth >= MAX_DECODE_DEPTH) return hits
    const percent = percentHits(text, depth)
    const base64 = base64Hits(text, depth)
    return percent.length === 0 && base64.length === 0 ? hits : mergeHits([...hits, ...percent, ...base64])
  }

  function percentHits(text: string, depth: number): readonly Hit[] {
    const decoded = percentDecode(text)
    if (decoded === null) return NO_HITS
    return scanAt(decoded.text, depth + 1).map(({ type, start, end }) => ({
      type,
      start: decoded.starts[start]!,
      end: decoded.ends[end - 1]!,
    }))
  }

  function base64Hits(text: string, depth: number): readonly Hit[] {
    const runs = base64Runs(text)
    if (runs.length === 0) return NO_HITS
    const hits: Hit[] = []
    for (const [start, end] of runs) {
      const decoded = asText(Buffer.from(text.slice(start, end), 'base64'))
      if (decoded === null) continue
      const inside = scanAt(decoded, depth + 1)
      // A secret inside names the whole string; PII (an e-mail in encoded JSON) hides it too. An IP
      // address alone does not: ipMode decides about addresses, and it cannot apply to encoded text.
      const named =
        inside.find((hit) => SECRETS.has(hit.type)) ?? inside.find((hit) => hit.type !== 'IP_ADDRESS')
      if (named !== undefined) hits.push({ type: named.type, start, end })
    }
    return hits
  }

  return { scan: (text) => scanAt(text, 0) }
}
