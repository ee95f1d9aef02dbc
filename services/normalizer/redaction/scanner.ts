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
 * leave it a chance. Each pattern is linear, so the scan is linear in the text times the number of
 * detectors.
 */
export function createScanner(
  disabled: ReadonlySet<FindingType> = new Set(),
  options: { prefilter?: boolean } = {},
): Scanner {
  const detectors = ALL_DETECTORS
  const usePrefilter = options.prefilter ?? true
  const withKeywords = detectors.filter((detector) => detector.keywords !== undefined)
  if (withKeywords.length > MAX_KEYWORD_LISTS)
    throw new Error(`at most ${MAX_KEYWORD_LISTS} detectors can have keywords, got ${withKeywords.length}`)
  const profile = createTextProfiler(withKeywords.map((detector) => detector.keywords!))
  /** Each detector's bit in a profile's keyword mask, or 0 when it has no keywords. */
  const keywordBit = detectors.map((detector) =>
    detector.keywords === undefined ? 0 : 1 << withKeywords.indexOf(detector),
  )
  /** One regex per detector: a scan runs to its end before the next begins, so they can share `lastIndex`. */
  const regexes = detectors.map((detector) => new RegExp(detector.pattern, 'g'))

  const accept = (hit: Hit | null): Hit | null => (hit === null || disabled.has(hit.type) ? null : hit)

  /** The next match of `regex` at or after `from`. */
  function search(regex: RegExp, text: string, from: number): RegExpExecArray | null {
    regex.lastIndex = from
    return regex.exec(text)
  }

  /** Indexes of the detectors that can fire in `text`, in precedence order. */
  function candidates(text: string): number[] {
    const chosen: number[] = []
    if (!usePrefilter) {
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

  return {
    scan(text) {
      if (text.length < MIN_HIT_LENGTH) return []
      const chosen = candidates(text)
      const hits: Hit[] = []
      const next = chosen.map((index) => search(regexes[index]!, text, 0))
      for (;;) {
        let position = Infinity
        for (const candidate of next)
          if (candidate !== null && candidate.index < position) position = candidate.index
        if (position === Infinity) return hits
        let hit: Hit | null = null
        for (let i = 0; hit === null && i < chosen.length; i++) {
          const candidate = next[i]!
          if (candidate?.index === position)
            hit = accept(detectors[chosen[i]!]!.classify(text, position, position + candidate[0].length))
        }
        if (hit !== null) hits.push(hit)
        const from = hit !== null && hit.end > position ? hit.end : position + 1
        for (let i = 0; i < next.length; i++) {
          const candidate = next[i]!
          if (candidate !== null && candidate.index < from) next[i] = search(regexes[chosen[i]!]!, text, from)
        }
      }
    },
  }
}
