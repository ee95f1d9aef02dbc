import { CharClass, type Detector } from './detector.js'
import { AMBIGUOUS_NAMES, ENGLISH_WORDS, FAMILY_NAMES, GIVEN_NAMES } from './name-gazetteer.js'
import { createWordTable } from './word-table.js'

/**
 * Person names in running text, without a context word: a run of two to four capitalised words (or
 * initials) that starts with a known given name, or a known given or family name standing alone
 * right after a word that introduces a person (`by`, `with`, `from`, `to`…). The names come from
 * faker's locale data (name-gazetteer.ts); a name that is also an English word (`Will`, `Rose`)
 * counts only when the word after it is a known name too.
 *
 * Missed by design: names written in lower case, names of people absent from faker's lists standing
 * alone, and names in scripts other than Latin. Wrong by design, now and then: a place or brand named
 * after a person (`Jordan Brand`, `Victoria Station` is caught by the stop words, `Paris Hilton` is
 * meant to be found).
 */

/** Letters after the capital of a name word; longer runs are not names (and keep the scan linear). */
const MAX_WORD = 30
const UPPER = 'A-ZÀ-ÖØ-ÞĀ-ſ'
const LOWER = "a-zß-öø-ÿĀ-ſ'’"
const WORD = `[${UPPER}][${LOWER}]{1,${MAX_WORD}}(?:-[${UPPER}][${LOWER}]{1,${MAX_WORD}})?`
const INITIAL = `[${UPPER}]\\.?(?![${LOWER}])`

const split = (list: string): string[] => list.split('|')
/** What a capitalised word is, as bits, so that one lookup answers every question the rules ask. */
const GIVEN = 1
const FAMILY = 2
/** Names that are as often something else: English words (from faker's word lists, plus these), places. */
const AMBIGUOUS = 4
const KIND = new Map<string, number>()
const mark = (words: readonly string[], kind: number): void => {
  for (const word of words) KIND.set(word, (KIND.get(word) ?? 0) | kind)
}
mark(split(GIVEN_NAMES), GIVEN)
mark(split(FAMILY_NAMES), FAMILY)
mark(split(AMBIGUOUS_NAMES), AMBIGUOUS)
mark(
  'Princess|Czech|France|Phoenix|Will|May|Mark|Grant|Rose|Bill|Can|Paris|London|Jordan|Georgia|Washington|Victoria|Florence|Austin|Sydney|Dallas|Houston|Virginia|Carolina|Lincoln|Chelsea|Madison|Christian|Art|Bank|Guy|Miles|Sterling|Dean|Ray|Earl|Norman|Hunter|Cash|Price|Rich|Ben|Don|Sun|Gene|Jean|Amber|Ruby|Jade|Crystal|Dawn|Faith|Grace|Hope|Joy|Iris|Lily|Violet|Ivy|Holly|Autumn|Winter|Spring|Sky|Star|Angel|Baby|Sage|Justice|Liberty|Harmony|Patience|Prudence|Constance|Temperance|Marshall|Gay|Page|Ash|Rock|Stone|Wood|Woods|Field|Fields|Hill|Hills|Banks|Lane|Brook|Brooks|Ford|Bay|Church|Street|Wells|Cross|Black|Green|Gray|Grey|West|North|South|East|English|French|German|Long|Short|Hall|House|Middle|Town|Law|Chance|Sonny|Angela|Nancy|Santa|Maria|Mercedes|Porsche|Tesla|Toyota|Dell|Oracle|Apple|Amazon|Ebay|Jenkins|Docker|Python|Ruby|Rust|Julia|Perl|Go|Swift|Kotlin|Dart|Elixir|Ada|Pascal|Haskell|Scala|Node|Deno|Bun|Vue|Angular|Ember|Django|Flask|Rails|Laravel|Spring|Kafka|Redis|Mongo|Maven|Gradle|Ansible|Chef|Puppet|Vault|Consul|Nomad|Jira|Confluence|Bamboo|Sentry|Grafana|Kibana|Logan|Helm|Argo|Flux|Tekton|Harbor|Envoy|Linkerd|Istio|Calico|Cilium|Falco|Trivy|Clair'.split(
    '|',
  ),
  AMBIGUOUS,
)
const KINDS = createWordTable(KIND)
const kindOf = (word: string): number => KINDS.get(word)
/** Capitalised words that end a name run: places, organisations, titles, calendar words. */
const STOP_WORDS = new Set(
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Drive|Court|Way|Place|Square|Park|Pass|Bypass|Loop|Creek|Flat|Flats|Cliffs|Point|Union|Lodge|Mall|Crossing|Junction|Ridge|Republic|Royal|Economic|Consulting|Investments|Lines|Stanley|PLC|Station|Airport|Bridge|River|Lake|Mountain|Mount|Island|Beach|Valley|County|City|State|Republic|Kingdom|University|College|School|Institute|Academy|Hospital|Clinic|Church|Cathedral|Museum|Library|Hotel|Restaurant|Cafe|Bar|Inc|Ltd|LLC|GmbH|AG|SA|Corp|Corporation|Company|Co|Group|Bank|Foundation|Association|Society|Club|Team|Department|Ministry|Council|Agency|Office|Center|Centre|Services|Systems|Technologies|Labs|Studio|Studios|Records|Press|Media|News|Times|Post|Journal|Magazine|Award|Awards|Prize|Cup|League|Festival|Day|Week|Month|Year|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|June|July|August|September|October|November|December|The|And|Of|For|In|On|At|To|From|By|With|API|Server|Client|Name|Names|Full|First|Last|Subject|Title|Status|Type|Date|Address|Phone|Email|Note|Notes|Summary|Description|Cloud|Service|Project|Account|Order|Invoice|Report|Error|Warning|Info|Debug|Code|Street|Brand|Bridge|Hall|Tower|Building|Plaza|Mall|Market|Stadium|Arena|Theatre|Theater|Gallery|Gardens|Castle|Palace|Fort|Port|Harbour|Harbor|Bay|Cove|Falls|Springs|Heights|Hills'.split(
    '|',
  ),
)
/** Words after which a lone known name is a person (`written by Tolkien`, `met with Yefremova`). */
const LONE_NAME_BEFORE =
  /(?:^|[^A-Za-z])(?:by|with|met|called|named|told|asked|thanks|thank|cc|dear|hi|hello|hey|sincerely|regards|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Prof\.?|name is|name\?|name:|signed|kid|son|daughter|wife|husband|partner|me)[ \t]+$/i
/** What follows a lone given name that makes it a person (`Anna: you saved my life`, `Scott is a…`). */
const LONE_NAME_AFTER =
  /^(?:[ \t]*:|['’]s[ \t]|,[ \t]+(?:can|could|please|I|we)\b|[ \t]+(?:is|was|has|had|will|would|said|says|spent|shouted|lives|lived|works|worked|told|asked|can|could|did|does)[ \t])/
/** A given name inside a list of given names (`Hannah, Anthony, Derek and Anna`). */
const LIST_BEFORE = /(?:,|:|\band)[ \t]+$/
const LIST_AFTER = /^(?:,|[ \t]+and)[ \t]+[A-ZÀ-ÖØ-Þ]/
/** A number or street unit beside the run: part of an address (`Gerrit Achterberghove 137`). */
const ADDRESS_BEFORE =
  /(?:\d|\b(?:Rue|Place|Allée|Passage|Impasse|Boulevard|Avenue|Quai|Chemin|Cours|Route|ul\.|Via|Calle|Rua|of|at|on))[ \t]+$/
const ADDRESS_AFTER = /^(?:[ \t]+(?:\d|u\.|Apt|Suite|Unit|St\.|Ave\.|Rd\.)|['’]s\b)/

const WORDS = new Set(split(ENGLISH_WORDS))
const isGiven = (word: string): boolean => (kindOf(word) & GIVEN) !== 0
const isFamily = (word: string): boolean => (kindOf(word) & FAMILY) !== 0
const isKnown = (word: string): boolean => (kindOf(word) & (GIVEN | FAMILY)) !== 0
/** A known name that is nothing else. */
const isStrongKind = (kind: number): boolean => kind !== 0 && (kind & AMBIGUOUS) === 0
const isStrong = (word: string): boolean => isStrongKind(kindOf(word))
const isInitial = (word: string): boolean => /^[A-ZÀ-ÖØ-ÞĀ-ſ]\.?$/.test(word)
const isEnglish = (word: string): boolean => WORDS.has(word.toLowerCase())

const isBlank = (code: number): boolean => code === 32 || code === 9

/** The first space or tab in `text[start, end)`, or `end`. */
function blankAfter(text: string, start: number, end: number): number {
  let at = start
  while (at < end && !isBlank(text.charCodeAt(at))) at++
  return at
}

/** The last space or tab in `text[start, end)`, or `start - 1`. */
function blankBefore(text: string, start: number, end: number): number {
  let at = end - 1
  while (at >= start && !isBlank(text.charCodeAt(at))) at--
  return at
}

/** The words of a candidate run, with their offsets, and whether a stop word cut it. */
function runWords(
  text: string,
  start: number,
  end: number,
): { words: Array<{ word: string; at: number }>; cut: boolean } {
  const words: Array<{ word: string; at: number }> = []
  let at = start
  for (;;) {
    while (at < end && isBlank(text.charCodeAt(at))) at++
    if (at === end) return { words, cut: false }
    const stop = blankAfter(text, at, end)
    const word = text.slice(at, stop)
    if (STOP_WORDS.has(word.endsWith('.') ? word.slice(0, -1) : word)) return { words, cut: true }
    words.push({ word, at })
    at = stop
  }
}

/** Two or more words: a known first name, or an unknown capitalised word before a known family name. */
function isFullName(names: readonly string[]): boolean {
  const [first, ...rest] = names as [string, ...string[]]
  const others = rest.filter((word) => !isInitial(word))
  if (others.length === 0) return isGiven(first) && isStrong(first)
  const last = others[others.length - 1]!
  if (others.length > 1 && !others.slice(0, -1).every(isKnown)) return false
  if (isGiven(first)) return isStrong(first) || isStrong(last)
  return isFamily(last) && isStrong(last) && !isEnglish(first) && !isEnglish(last)
}

function isLoneName(text: string, start: number, end: number, word: string): boolean {
  if (!isStrong(word) || isEnglish(word)) return false
  const before = text.slice(Math.max(0, start - 24), start)
  const after = text.slice(end, end + 24)
  if (LONE_NAME_BEFORE.test(before)) return true
  if (!isGiven(word)) return false
  return LONE_NAME_AFTER.test(after) || (LIST_BEFORE.test(before) && LIST_AFTER.test(after))
}

export const gazetteerPerson: Detector = {
  name: 'person-gazetteer',
  types: ['PERSON'],
  requires: CharClass.UPPER,
  prefilter: new RegExp(`[${UPPER}][${LOWER}]`),
  pattern: `(?<![${UPPER}${LOWER}0-9_@./-])${WORD}(?:[ \\t]+(?:${INITIAL}|${WORD})){0,3}`,
  classify(text, start, end) {
    // Most capitalised words start no name: a known name starts every accepted run but one
    // (`Tilly Nicholson`), which has a second word; decide those with one lookup of the first word
    // (and one of the last), before any regex or split.
    const firstEnd = blankAfter(text, start, end)
    const first = KINDS.at(text, start, firstEnd)
    if (firstEnd === end && !isStrongKind(first)) return null
    if (firstEnd < end && (first & (GIVEN | FAMILY)) === 0) {
      const lastStart = blankBefore(text, start, end) + 1
      if ((KINDS.at(text, lastStart, end) & FAMILY) === 0 && !isInitial(text.slice(lastStart, end)))
        return null
    }
    const { words, cut } = runWords(text, start, end)
    if (cut || words.length === 0) return null
    while (words.length > 1 && isInitial(words[words.length - 1]!.word)) words.pop()
    const tail = words[words.length - 1]!
    const stop = tail.at + tail.word.length
    if (
      ADDRESS_BEFORE.test(text.slice(Math.max(0, start - 8), start)) ||
      ADDRESS_AFTER.test(text.slice(stop, stop + 8))
    )
      return null
    const names = words.map(({ word }) => word)
    const found = names.length > 1 ? isFullName(names) : isLoneName(text, start, stop, names[0]!)
    return found ? { type: 'PERSON', start, end: stop } : null
  },
}
