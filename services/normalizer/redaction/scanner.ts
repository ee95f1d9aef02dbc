import { credentialWord } from './credential-word.js'
import type { Detector, Hit } from './detector.js'
import { CN_DETECTORS } from './cn-detectors.js'
import { HEURISTIC_DETECTORS } from './heuristic-detectors.js'
import { NUMERIC_PII_DETECTORS, PII_DETECTORS_BEFORE_NUMBERS } from './pii-detectors.js'
import { SECRET_DETECTORS } from './secret-detectors.js'
import { createTextProfiler, MAX_KEYWORD_LISTS } from './text-profile.js'
import type { FindingType } from '../../../schemas/redaction.js'

/** Every detector, in precedence order: secrets first, then structured PII, then the heuristics. */
export const ALL_DETECTORS: readonly Detector[] = [
  ...SECRET_DETECTORS,
  credentialWord,
  ...PII_DETECTORS_BEFORE_NUMBERS,
  ...CN_DETECTORS,
  ...NUMERIC_PII_DETECTORS,
  ...HEURISTIC_DETECTORS,
]

export interface Scanner {
  /** Non-overlapping hits, left to right. */
  scan(text: string): Hit[]
}

/** No detector accepts fewer characters (`a::1`, `pwd=x` are the shortest). */
const MIN_HIT_LENGTH = 4

/**
 * Each detector that can fire in the text runs its own global regex, and the scan merges their
 * candidates by position: at each position the detectors whose regex matches there are tried in
 * precedence order and the first that validates wins (Luhn, mod-97, checksums, context words), so the
 * hits are exactly those of one alternation of all the patterns, leftmost first. Separate regexes are
 * much faster than that alternation (five times on presidio's sentences): each keeps V8's skip-ahead
 * on its first characters, which an alternation of two dozen patterns with lookbehinds loses.
 *
 * Which detectors can fire is decided cheaply first: one pass over the text learns its character
 * classes and keywords (text-profile.ts), and a detector's own prefilter regex runs only when those
 * leave it a chance. A detector whose pattern would try almost every position of a text (an
 * e-mail's local part can start anywhere) finds its possible starts itself (`nextStart`, from the
 * `@`), and its pattern runs anchored there. Each pattern is linear and each start is tried once,
 * so the scan is linear in the text times the number of detectors. `prefilter: false` turns every
 * shortcut off (profile, prefilters and start hints); tests hold the two scans to the same hits.
 */
export function createScanner(
  disabled: ReadonlySet<FindingType> = new Set(),
  options: { prefilter?: boolean } = {},
): Scanner {
  const shortcuts = options.prefilter ?? true
  // A detector whose every type is disabled finds nothing that would be kept: its candidates would
  // be refused one by one, which the next detectors in line see as no candidate at all.
  const detectors = ALL_DETECTORS.filter(
    (detector) =>
      !shortcuts || detector.types === undefined || detector.types.some((type) => !disabled.has(type)),
  )
  const withKeywords = detectors.filter((detector) => detector.keywords !== undefined)
  if (withKeywords.length > MAX_KEYWORD_LISTS)
    throw new Error(`at most ${MAX_KEYWORD_LISTS} detectors can have keywords, got ${withKeywords.length}`)
  const profile = createTextProfiler(withKeywords.map((detector) => detector.keywords!))
  /** Each detector's bit in a profile's keyword mask, or 0 when it has no keywords. */
  const keywordBit = detectors.map((detector) =>
    detector.keywords === undefined ? 0 : 1 << withKeywords.indexOf(detector),
  )
  /** Where each detector's matches begin, when it says so cheaper than its pattern's search. */
  const nextStart = detectors.map((detector) => (shortcuts ? detector.nextStart : undefined))
  /**
   * One regex per detector, anchored (`y`) where the detector finds its own starts: a scan runs to
   * its end before the next begins, so they can share `lastIndex`.
   */
  const regexes = detectors.map(
    (detector, index) => new RegExp(detector.pattern, nextStart[index] === undefined ? 'g' : 'y'),
  )

  /** Indexes of the detectors that can fire in `text`, in precedence order. */
  function candidates(text: string): number[] {
    const chosen: number[] = []
    if (!shortcuts) {
      for (let index = 0; index < detectors.length; index++) chosen.push(index)
      return chosen
    }
    const { classes, keywords } = profile(text)
    for (let index = 0; index < detectors.length; index++) {
      const detector = detectors[index]!
      const keyword = keywordBit[index]!
      if (
        (detector.requires & classes) === detector.requires &&
        (keyword === 0 || (keywords & keyword) !== 0) &&
        (detector.prefilter === undefined || detector.prefilter.test(text))
      )
        chosen.push(index)
    }
    return chosen
  }

  /** The next match of detector `index` at or after `from`. */
  function search(index: number, text: string, from: number): RegExpExecArray | null {
    const regex = regexes[index]!
    const starts = nextStart[index]
    if (starts === undefined) {
      regex.lastIndex = from
      return regex.exec(text)
    }
    for (let at = starts(text, from); at !== -1; at = starts(text, at + 1)) {
      regex.lastIndex = at
      const match = regex.exec(text)
      if (match !== null) return match
    }
    return null
  }

  // Each chosen detector's next match as its start and length (start -1 when it has none left).
  // Shared by every scan: one runs to its end before the next begins.
  const starts = new Int32Array(detectors.length)
  const lengths = new Int32Array(detectors.length)

  return {
    scan(text) {
      if (text.length < MIN_HIT_LENGTH) return []
      const chosen = candidates(text)
      const count = chosen.length
      const hits: Hit[] = []
      for (let i = 0; i < count; i++) {
        const match = search(chosen[i]!, text, 0)
        starts[i] = match === null ? -1 : match.index
        lengths[i] = match === null ? 0 : match[0].length
      }
      for (;;) {
        let position = -1
        for (let i = 0; i < count; i++) {
          const start = starts[i]!
          if (start !== -1 && (position === -1 || start < position)) position = start
        }
        if (position === -1) return hits
        let hit: Hit | null = null
        for (let i = 0; hit === null && i < count; i++) {
          if (starts[i] !== position) continue
          hit = detectors[chosen[i]!]!.classify(text, position, position + lengths[i]!)
          if (hit !== null && disabled.has(hit.type)) hit = null
        }
        if (hit !== null) hits.push(hit)
        const from = hit !== null && hit.end > position ? hit.end : position + 1
        for (let i = 0; i < count; i++) {
          const start = starts[i]!
          if (start === -1 || start >= from) continue
          const match = search(chosen[i]!, text, from)
          starts[i] = match === null ? -1 : match.index
          lengths[i] = match === null ? 0 : match[0].length
        }
      }
    },
  }
}
