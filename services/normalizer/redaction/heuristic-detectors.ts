import { CharClass, type Detector, type Hit } from './detector.js'
import { gazetteerPerson } from './gazetteer-person.js'

/**
 * Names and street addresses need NER in general; these two detectors only fire where the text
 * itself says what follows (an honorific, `Name:`, `my name is`, `Dear`) or where a house number
 * sits next to a street-type word. They are precise on forms, letters and signatures and miss names
 * in running prose; disable them with `disabledTypes` if that trade is wrong for you.
 *
 * Every repetition is bounded (no word is longer than {@link MAX_WORD} characters): a starting
 * position is allowed after `-`, `.` or `'`, inside what an unbounded word would already have
 * consumed, and an unbounded word there makes each of those positions rescan the rest of the text
 * (quadratic time on `A-A-A-…`, issue 15).
 */

/** Letters after the capital of a name or street word; longer runs are not words of an address or name. */
const MAX_WORD = 40

const UPPER = 'A-ZÀ-ÖØ-Þ'
const LOWER = "a-zß-öø-ÿ'’"
const NAME_WORD = `[${UPPER}][${LOWER}]{1,${MAX_WORD}}(?:-[${UPPER}]?[${LOWER}]{1,${MAX_WORD}}){0,4}`
const NAME = `${NAME_WORD}(?:[ \\t]+(?:[${UPPER}]\\.|${NAME_WORD})){0,3}`
const PERSON_ANCHOR =
  '(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\\.?[ \\t]+|[Mm]y name is[ \\t]+|(?:Full |Customer |Patient )?(?:Name|NAME)[ \\t]*:[ \\t]*|Dear[ \\t]+)'
const PERSON_ANCHOR_RE = new RegExp(PERSON_ANCHOR, 'y')
const NOT_A_NAME = new Set([
  'Sir',
  'Madam',
  'Customer',
  'Team',
  'All',
  'Friend',
  'Friends',
  'Colleague',
  'Colleagues',
  'User',
  'Admin',
  'Support',
  'Hiring',
  'Manager',
  'The',
  'This',
  'Unknown',
  'None',
  'Null',
])
/** Words that make a capitalised run an organisation rather than a person (`Name: National Institute of …`). */
const ORGANISATION_WORD =
  /^(?:Institute|University|College|School|Inc|Ltd|LLC|GmbH|Company|Corporation|Corp|Foundation|Department|Bank|Group|Association|Center|Centre|Hospital|Agency|Ministry|Council|Services|Technologies|Systems|Labs?)\.?$/

const person: Detector = {
  name: 'person',
  types: ['PERSON'],
  requires: 0,
  keywords: ['mr', 'ms', 'miss', 'mx', 'dr', 'prof', 'name', 'dear'],
  prefilter: /Mr|Ms|Miss|Mx|Dr|Prof|name is|Name|NAME|Dear/,
  pattern: `(?<![A-Za-z])${PERSON_ANCHOR}${NAME}`,
  classify(text, start, end) {
    PERSON_ANCHOR_RE.lastIndex = start
    const anchor = PERSON_ANCHOR_RE.exec(text)
    if (anchor === null) return null
    const nameStart = start + anchor[0].length
    const name = text.slice(nameStart, end).replace(/['’]s$/, '')
    const words = name.split(/[ \t]+/)
    if (NOT_A_NAME.has(words[0]!) || words.some((word) => ORGANISATION_WORD.test(word))) return null
    return { type: 'PERSON', start: nameStart, end: nameStart + name.length }
  },
}

const STREET_TYPE =
  '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Crescent|Square|Sq|Highway|Hwy|Parkway|Pkwy|Circle|Close|Gardens|Grove|Row|Walk|Trail|Turnpike|Plaza|Mews)\\.?(?![A-Za-z])'
const UNIT = `(?:,?[ \\t]+(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl)\\.?[ \\t]*#?[A-Za-z0-9-]{1,6})?`
const STREET_WORD = `[${UPPER}][A-Za-zß-öø-ÿ'’.-]{0,${MAX_WORD}}`
const COMPOUND_STREET = `[${UPPER}][a-zß-öø-ÿ]{0,${MAX_WORD}}(?:strasse|straße|str\\.|weg|gasse|platz|allee|katu|gatan|vägen|vej|gade|straat|laan)`
const ROMANCE_STREET = `(?:Via|Viale|Piazza|Corso|Rua|Avenida|Avda\\.|Calle|Carrer|Rue|ul\\.|Ulica)(?:[ \\t]+${STREET_WORD}){1,4}`

const wholeAddress = (_text: string, start: number, end: number): Hit => ({
  type: 'STREET_ADDRESS',
  start,
  end,
})

/**
 * Three shapes of street address, each a detector of its own so that each runs only where its own
 * trigger is (a number before a capital, a street word, `Box`): the street words alone cost more to
 * look for than all the rest, and appear in few texts. In this order, as one alternation would try
 * them. No pattern checks for a digit later on the line (`…[^\n]*\d`): a line full of street words
 * would rescan the line from each one.
 */
const numberFirstStreet: Detector = {
  name: 'street-address',
  types: ['STREET_ADDRESS'],
  requires: CharClass.DIGIT,
  prefilter: new RegExp(`\\d[A-Za-z]?[ \\t]+[${UPPER}]`),
  pattern: `(?<![A-Za-z0-9])\\d{1,5}[A-Za-z]?(?:[ \\t]+${STREET_WORD}){1,4}?[ \\t]+${STREET_TYPE}${UNIT}`,
  classify: wholeAddress,
}

const nameFirstStreet: Detector = {
  name: 'street-address-name-first',
  types: ['STREET_ADDRESS'],
  requires: CharClass.DIGIT,
  keywords: [
    ...['strasse', 'straße', 'str.', 'weg', 'gasse', 'platz', 'allee', 'katu', 'gatan', 'vägen', 'vej'],
    ...['gade', 'straat', 'laan', 'via', 'piazza', 'corso', 'rua', 'avenida', 'avda.', 'calle'],
    ...['carrer', 'rue', 'ul.', 'ulica'],
  ],
  prefilter:
    /strasse|straße|str\.|weg|gasse|platz|allee|katu|gatan|vägen|vej|gade|straat|laan|Strasse|Straße|Via|Viale|Piazza|Corso|Rua|Avenida|Avda\.|Calle|Carrer|Rue|ul\.|Ulica/,
  pattern: `(?<![A-Za-z0-9])(?:(?:${STREET_WORD}[ \\t]+)?(?:${COMPOUND_STREET}|Strasse|Straße)|${ROMANCE_STREET})[ \\t]+\\d{1,5}[A-Za-z]?(?![0-9])${UNIT}`,
  classify: wholeAddress,
}

const postBox: Detector = {
  name: 'street-address-box',
  types: ['STREET_ADDRESS'],
  requires: CharClass.DIGIT,
  keywords: ['box'],
  prefilter: /Box[ \t]+\d/,
  pattern:
    '(?<![A-Za-z0-9])(?:P\\.? ?O\\.?[ \\t]+Box|PSC[ \\t]+\\d{1,5},?[ \\t]+Box|Unit[ \\t]+\\d{1,5},?[ \\t]+Box)[ \\t]+\\d{1,6}',
  classify: wholeAddress,
}

export const HEURISTIC_DETECTORS: readonly Detector[] = [
  numberFirstStreet,
  nameFirstStreet,
  postBox,
  person,
  gazetteerPerson,
]
