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

interface Plan {
  /** The combined regex of the chosen detectors scanned together, or null when none is. */
  combined: RegExp | null
  detectors: Detector[]
  sticky: RegExp[]
  /** The chosen detectors that scan in a pass of their own, each with its own global regex. */
  ownPass: Array<{ detector: Detector; regex: RegExp }>
}

/** No detector accepts fewer characters (`a::1`, `pwd=x` are the shortest). */
const MIN_HIT_LENGTH = 4

/** Distinct prefilter outcomes seen in practice are few (about a hundred on real MCP traffic); this caps memory. */
const MAX_PLANS = 4096
/** A plan is keyed by the set of detectors that can fire, one bit each, in a double's exact integers. */
const MAX_DETECTORS = 53

/**
 * One pass over the text with one global regex: each detector is a capture group of a single
 * alternation, so the regex engine finds the leftmost candidate of any kind, and only candidates
 * reach the validators (Luhn, mod-97, checksums, context words). When a candidate fails validation,
 * the detectors listed after it get a chance at the same position (sticky), then the scan moves on.
 *
 * An alternation is only as fast as its number of alternatives, because V8 cannot skip ahead on a
 * first character any more. So the combined regex is built from the detectors that can fire in the
 * text only — compiled once per combination and cached. Which can fire is decided cheaply: one pass
 * over the text learns its character classes and keywords (text-profile.ts), and a detector's own
 * prefilter regex runs only when those leave it a chance. Detectors marked `ownPass` (the name
 * gazetteer, whose candidates are most capitalised words) run their own regex beside it; the scan
 * takes whichever candidate comes first, so the hits are those of one combined regex.
 */
export function createScanner(
  disabled: ReadonlySet<FindingType> = new Set(),
  options: { prefilter?: boolean } = {},
): Scanner {
  const detectors = ALL_DETECTORS
  if (detectors.length > MAX_DETECTORS)
    throw new Error(
      `the scanner keys its plans on at most ${MAX_DETECTORS} detectors, got ${detectors.length}`,
    )
  for (const detector of detectors) {
    const groups = new RegExp(`${detector.pattern}|`).exec('')!.length - 1
    if (groups !== 0) throw new Error(`detector ${detector.name} must not use capture groups`)
  }
  const usePrefilter = options.prefilter ?? true
  const withKeywords = detectors.filter((detector) => detector.keywords !== undefined)
  if (withKeywords.length > MAX_KEYWORD_LISTS)
    throw new Error(`at most ${MAX_KEYWORD_LISTS} detectors can have keywords, got ${withKeywords.length}`)
  const profile = createTextProfiler(withKeywords.map((detector) => detector.keywords!))
  /** Each detector's bit in a profile's keyword mask, or 0 when it has no keywords. */
  const keywordBit = detectors.map((detector) =>
    detector.keywords === undefined ? 0 : 1 << withKeywords.indexOf(detector),
  )
  const sticky = detectors.map((detector) => new RegExp(detector.pattern, 'y'))
  const plans = new Map<number, Plan | null>()
  /** A plan's key has bit `index` set for each detector that can fire (`2 ** index`: exact up to 53 bits). */
  const bits = detectors.map((_, index) => 2 ** index)

  function planFor(mask: number): Plan | null {
    let plan = plans.get(mask)
    if (plan !== undefined) return plan
    const chosen = detectors
      .map((_, index) => index)
      .filter((index) => Math.floor(mask / bits[index]!) % 2 === 1)
    const together = chosen.filter((index) => detectors[index]!.ownPass !== true)
    const apart = chosen.filter((index) => detectors[index]!.ownPass === true)
    plan =
      chosen.length === 0
        ? null
        : {
            combined:
              together.length === 0
                ? null
                : new RegExp(together.map((index) => `(${detectors[index]!.pattern})`).join('|'), 'g'),
            detectors: together.map((index) => detectors[index]!),
            sticky: together.map((index) => sticky[index]!),
            ownPass: apart.map((index) => ({
              detector: detectors[index]!,
              regex: new RegExp(detectors[index]!.pattern, 'g'),
            })),
          }
    if (plans.size >= MAX_PLANS) plans.clear()
    plans.set(mask, plan)
    return plan
  }

  const accept = (hit: Hit | null): Hit | null => (hit === null || disabled.has(hit.type) ? null : hit)

  /** The first accepted hit of the combined detectors at `match`, trying each later detector on failure. */
  function combinedHit(plan: Plan, text: string, match: RegExpExecArray): Hit | null {
    const position = match.index
    let index = 1
    while (match[index] === undefined) index++
    let hit = accept(plan.detectors[index - 1]!.classify(text, position, position + match[0].length))
    for (let next = index; hit === null && next < plan.detectors.length; next++) {
      const re = plan.sticky[next]!
      re.lastIndex = position
      const retry = re.exec(text)
      if (retry !== null)
        hit = accept(plan.detectors[next]!.classify(text, position, position + retry[0].length))
    }
    return hit
  }

  /** The next match of `regex` at or after `from`. */
  function search(regex: RegExp, text: string, from: number): RegExpExecArray | null {
    regex.lastIndex = from
    return regex.exec(text)
  }

  return {
    scan(text) {
      if (text.length < MIN_HIT_LENGTH) return []
      let mask = 0
      if (usePrefilter) {
        const { classes, keywords } = profile(text)
        for (let index = 0; index < detectors.length; index++) {
          const detector = detectors[index]!
          const keyword = keywordBit[index]!
          if (
            (detector.requires & classes) === detector.requires &&
            (keyword === 0 || (keywords & keyword) !== 0) &&
            (detector.prefilter === undefined || detector.prefilter.test(text))
          )
            mask += bits[index]!
        }
      } else for (let index = 0; index < detectors.length; index++) mask += bits[index]!
      const plan = planFor(mask)
      if (plan === null) return []
      const { combined, ownPass } = plan
      const hits: Hit[] = []
      let match = combined === null ? null : search(combined, text, 0)
      const apart = ownPass.map(({ regex }) => search(regex, text, 0))
      for (;;) {
        let position = match?.index ?? Infinity
        for (const candidate of apart)
          if (candidate !== null && candidate.index < position) position = candidate.index
        if (position === Infinity) return hits
        let hit = match?.index === position ? combinedHit(plan, text, match) : null
        for (let i = 0; hit === null && i < ownPass.length; i++) {
          const candidate = apart[i]!
          if (candidate?.index === position)
            hit = accept(ownPass[i]!.detector.classify(text, position, position + candidate[0].length))
        }
        if (hit !== null) hits.push(hit)
        const from = hit !== null && hit.end > position ? hit.end : position + 1
        if (match !== null && match.index < from) match = search(combined!, text, from)
        for (let i = 0; i < apart.length; i++) {
          const candidate = apart[i]!
          if (candidate !== null && candidate.index < from) apart[i] = search(ownPass[i]!.regex, text, from)
        }
      }
    },
  }
}
