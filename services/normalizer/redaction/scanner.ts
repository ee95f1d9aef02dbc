import { credentialWord } from './credential-word.js'
import { charClasses, type Detector, type Hit } from './detector.js'
import { CN_DETECTORS } from './cn-detectors.js'
import { HEURISTIC_DETECTORS } from './heuristic-detectors.js'
import { NUMERIC_PII_DETECTORS, PII_DETECTORS_BEFORE_NUMBERS } from './pii-detectors.js'
import { SECRET_DETECTORS } from './secret-detectors.js'
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
  combined: RegExp
  detectors: Detector[]
  sticky: RegExp[]
}

/** No detector accepts fewer characters (`a::1`, `pwd=x` are the shortest). */
const MIN_HIT_LENGTH = 4
/** Up to this length a text's character classes are computed first, which saves most prefilter calls. */
const CHAR_CLASS_SCAN_LIMIT = 512
const ALL_CLASSES = 0xff

/** Distinct prefilter outcomes seen in practice are few (about a hundred on real MCP traffic); this caps memory. */
const MAX_PLANS = 4096

/**
 * One pass over the text with one global regex: each detector is a capture group of a single
 * alternation, so the regex engine finds the leftmost candidate of any kind, and only candidates
 * reach the validators (Luhn, mod-97, checksums, context words). When a candidate fails validation,
 * the detectors listed after it get a chance at the same position (sticky), then the scan moves on.
 *
 * An alternation is only as fast as its number of alternatives, because V8 cannot skip ahead on a
 * first character any more. So each text first runs the detectors' prefilters (a literal or a tiny
 * class, each a fast scan), and the combined regex is built from the detectors that can fire in
 * that text only — compiled once per combination and cached.
 */
export function createScanner(
  disabled: ReadonlySet<FindingType> = new Set(),
  options: { prefilter?: boolean } = {},
): Scanner {
  const detectors = ALL_DETECTORS
  for (const detector of detectors) {
    const groups = new RegExp(`${detector.pattern}|`).exec('')!.length - 1
    if (groups !== 0) throw new Error(`detector ${detector.name} must not use capture groups`)
  }
  const usePrefilter = options.prefilter ?? true
  const sticky = detectors.map((detector) => new RegExp(detector.pattern, 'y'))
  const plans = new Map<number, Plan | null>()

  function planFor(mask: number): Plan | null {
    let plan = plans.get(mask)
    if (plan !== undefined) return plan
    const chosen = detectors.map((_, index) => index).filter((index) => (mask & (1 << index)) !== 0)
    plan =
      chosen.length === 0
        ? null
        : {
            combined: new RegExp(chosen.map((index) => `(${detectors[index]!.pattern})`).join('|'), 'g'),
            detectors: chosen.map((index) => detectors[index]!),
            sticky: chosen.map((index) => sticky[index]!),
          }
    if (plans.size >= MAX_PLANS) plans.clear()
    plans.set(mask, plan)
    return plan
  }

  const accept = (hit: Hit | null): Hit | null => (hit === null || disabled.has(hit.type) ? null : hit)

  return {
    scan(text) {
      if (text.length < MIN_HIT_LENGTH) return []
      const classes = text.length <= CHAR_CLASS_SCAN_LIMIT ? charClasses(text) : ALL_CLASSES
      let mask = 0
      for (let index = 0; index < detectors.length; index++) {
        const detector = detectors[index]!
        if (!usePrefilter) mask |= 1 << index
        else if ((detector.requires & classes) === detector.requires && detector.prefilter.test(text))
          mask |= 1 << index
      }
      const plan = planFor(mask)
      if (plan === null) return []
      const { combined } = plan
      const hits: Hit[] = []
      combined.lastIndex = 0
      let match: RegExpExecArray | null
      while ((match = combined.exec(text)) !== null) {
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
        if (hit !== null) hits.push(hit)
        combined.lastIndex = hit !== null && hit.end > position ? hit.end : position + 1
      }
      return hits
    },
  }
}
