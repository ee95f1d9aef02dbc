import { CharClass } from './detector.js'

/**
 * What a text contains, learnt in one pass: its {@link CharClass} bits and which keyword lists have a
 * member in it. The scanner asks this before it runs any detector's prefilter regex: one pass over
 * the characters costs less than the two dozen regex calls it saves on most texts.
 *
 * Keywords are found with an Aho–Corasick automaton (every character is one table step, so the pass
 * is linear whatever the text), case-insensitively for ASCII letters. A keyword list is a necessary
 * condition only: a case-insensitive match of a case-sensitive word still lets the detector's own
 * prefilter decide.
 */
export interface TextProfile {
  /** {@link CharClass} bits present in the text. */
  classes: number
  /** Bit `i` set when the text contains a keyword of list `i`. */
  keywords: number
}

export type TextProfiler = (text: string) => TextProfile

/** At most this many keyword lists: their bits share one 32-bit integer. */
export const MAX_KEYWORD_LISTS = 31

const fold = (code: number): number => (code >= 65 && code <= 90 ? code + 32 : code)

/** The longest digit run a class bit asks about (a resident id's first 17 digits). */
const LONGEST_RUN = 17
/** The class bits of a run of `n` digits (index `n`, capped at {@link LONGEST_RUN}). */
const DIGIT_RUN_CLASSES = Uint16Array.from({ length: LONGEST_RUN + 1 }, (_, n) =>
  n === 0
    ? 0
    : CharClass.DIGIT |
      (n >= 3 ? CharClass.DIGITS_3 : 0) |
      (n >= 4 ? CharClass.DIGITS_4 : 0) |
      (n >= 7 ? CharClass.DIGITS_7 : 0) |
      (n >= 17 ? CharClass.DIGITS_17 : 0),
)

/** The classes of one character other than a digit. */
function classOf(code: number): number {
  if (code === 64) return CharClass.AT
  if (code === 58) return CharClass.COLON | CharClass.SEPARATOR
  if (code === 61) return CharClass.SEPARATOR
  if (code === 45) return CharClass.DASH
  if (code === 46) return CharClass.DOT
  if (code >= 65 && code <= 90) return CharClass.UPPER
  if (code < 0xc0) return 0
  // Latin-1 capitals, and Latin Extended-A (capitals and small letters alternate there).
  if (code <= 0xde) return code === 0xd7 ? 0 : CharClass.UPPER
  if (code >= 0x100 && code <= 0x17f) return CharClass.UPPER
  // Full-width `：` and `＝`, and 是/为 ("is"), which separate Chinese keys from values.
  if (code === 0xff1a || code === 0xff1d) return CharClass.SEPARATOR
  if (code >= 0x4e00 && code <= 0x9fff)
    return code === 0x662f || code === 0x4e3a ? CharClass.HAN | CharClass.SEPARATOR : CharClass.HAN
  return 0
}

/** Class bits of every UTF-16 code unit but digits, looked up instead of branched on. */
const CLASS_OF = new Uint8Array(0x10000)
for (let code = 0; code < 0x10000; code++) CLASS_OF[code] = classOf(code)

export function createTextProfiler(lists: ReadonlyArray<readonly string[]>): TextProfiler {
  if (lists.length > MAX_KEYWORD_LISTS)
    throw new Error(`at most ${MAX_KEYWORD_LISTS} keyword lists, got ${lists.length}`)
  // The alphabet: each character used by a keyword gets a symbol; every other character is symbol 0,
  // which leads back to the root from any state.
  const symbolOf = new Uint8Array(0x10000)
  let symbols = 1
  for (const list of lists)
    for (const word of list)
      for (let i = 0; i < word.length; i++) {
        const code = fold(word.charCodeAt(i))
        if (symbolOf[code] !== 0) continue
        if (symbols === 255) throw new Error('keywords use more than 254 distinct characters')
        symbolOf[code] = symbols++
        if (code >= 97 && code <= 122) symbolOf[code - 32] = symbolOf[code]!
      }

  // The trie, then failure links breadth-first, folded into a complete transition table.
  const children = [new Map<number, number>()]
  const output: number[] = [0]
  lists.forEach((list, index) => {
    for (const word of list) {
      if (word.length === 0) throw new Error(`keyword list ${index} has an empty keyword`)
      let state = 0
      for (let i = 0; i < word.length; i++) {
        const symbol = symbolOf[fold(word.charCodeAt(i))]!
        let next = children[state]!.get(symbol)
        if (next === undefined) {
          next = children.length
          children.push(new Map())
          output.push(0)
          children[state]!.set(symbol, next)
        }
        state = next
      }
      output[state]! |= 1 << index
    }
  })
  const width = symbols
  const next = new Uint32Array(children.length * width)
  const fail = new Uint32Array(children.length)
  const queue: number[] = []
  for (const [symbol, child] of children[0]!) {
    next[symbol] = child
    queue.push(child)
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!
    output[state]! |= output[fail[state]!]!
    for (let symbol = 1; symbol < width; symbol++) {
      const child = children[state]!.get(symbol)
      const fallback = next[fail[state]! * width + symbol]!
      if (child === undefined) next[state * width + symbol] = fallback
      else {
        next[state * width + symbol] = child
        fail[child] = fallback
        queue.push(child)
      }
    }
  }
  const found = Int32Array.from(output)

  const profile: TextProfile = { classes: 0, keywords: 0 }
  return (text) => {
    let classes = 0
    let keywords = 0
    let state = 0
    let run = 0
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code >= 48 && code <= 57) {
        if (run < LONGEST_RUN) run++
        classes |= DIGIT_RUN_CLASSES[run]!
      } else {
        run = 0
        classes |= CLASS_OF[code]!
      }
      state = next[state * width + symbolOf[code]!]!
      keywords |= found[state]!
    }
    profile.classes = classes
    profile.keywords = keywords
    return profile
  }
}
