/**
 * The syntax tree of a rule regex for the linear-time check ({@link backtrackingProblem}): character
 * sets as code-point ranges, concatenation, alternation and repetition; groups dissolve and
 * assertions (`^`, `$`, `\b`) match nothing. Only the syntax that re2Problem lets through is read.
 */

export type CharSet = Array<[number, number]>

export type Node =
  | { kind: 'set'; set: CharSet }
  | { kind: 'empty' }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number; text: string }

const MAX_CODE_POINT = 0x10ffff
export const ALL: CharSet = [[0, MAX_CODE_POINT]]
export function normalize(ranges: CharSet): CharSet {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  const out: CharSet = []
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1]
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi)
    else out.push([lo, hi])
  }
  return out
}

function complement(set: CharSet): CharSet {
  const out: CharSet = []
  let next = 0
  for (const [lo, hi] of set) {
    if (lo > next) out.push([next, lo - 1])
    next = hi + 1
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT])
  return out
}

export function intersects(a: CharSet, b: CharSet): boolean {
  return a.some(([lo, hi]) => b.some(([lo2, hi2]) => lo <= hi2 && lo2 <= hi))
}

const code = (char: string) => char.codePointAt(0)!
const single = (char: string): CharSet => [[code(char), code(char)]]
const DIGIT: CharSet = [[48, 57]]
const WORD: CharSet = normalize([
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
])
const SPACE: CharSet = normalize(
  [...'\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff']
    .map(code)
    .map((c) => [c, c] as [number, number])
    .concat([[0x2000, 0x200a]]),
)
const DOT: CharSet = complement(
  normalize([
    [10, 10],
    [13, 13],
    [0x2028, 0x2029],
  ]),
)

/** Adds every character a case-insensitive match could equate with one in `set` (over-approximated). */
export function foldCase(set: CharSet): CharSet {
  const extra: CharSet = []
  for (const [lo, hi] of set) {
    for (const [from, to, shift] of [
      [65, 90, 32],
      [97, 122, -32],
    ] as const) {
      const a = Math.max(lo, from)
      const b = Math.min(hi, to)
      if (a <= b) extra.push([a + shift, b + shift])
    }
    if (hi >= 0x80) extra.push([0x80, MAX_CODE_POINT], [75, 75], [83, 83], [107, 107], [115, 115])
  }
  const folded = normalize([...set, ...extra])
  if (
    intersects(
      folded,
      normalize([
        [75, 75],
        [83, 83],
        [107, 107],
        [115, 115],
      ]),
    )
  )
    return normalize([...folded, [0x17f, 0x17f], [0x212a, 0x212a]])
  return folded
}

export class Parser {
  private at = 0
  constructor(private readonly source: string) {}

  parse(): Node {
    return this.alternation()
  }

  private alternation(): Node {
    const options = [this.sequence()]
    while (this.source[this.at] === '|') {
      this.at++
      options.push(this.sequence())
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options }
  }

  private sequence(): Node {
    const items: Node[] = []
    while (this.at < this.source.length && this.source[this.at] !== '|' && this.source[this.at] !== ')') {
      const start = this.at
      const atom = this.atom()
      const repeat = this.quantifier()
      items.push(
        repeat === null
          ? atom
          : { kind: 'repeat', node: atom, ...repeat, text: this.source.slice(start, this.at) },
      )
    }
    return { kind: 'seq', items }
  }

  private quantifier(): { min: number; max: number } | null {
    const char = this.source[this.at]
    let bounds: { min: number; max: number } | null = null
    if (char === '*') bounds = { min: 0, max: Infinity }
    else if (char === '+') bounds = { min: 1, max: Infinity }
    else if (char === '?') bounds = { min: 0, max: 1 }
    if (bounds !== null) this.at++
    else if (char === '{') {
      const counted = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at))
      if (counted === null) return null
      const min = Number(counted[1])
      const max = counted[2] === undefined ? min : counted[3] === '' ? Infinity : Number(counted[3])
      bounds = { min, max }
      this.at += counted[0].length
    } else return null
    if (this.source[this.at] === '?') this.at++ // lazy: same paths, other order
    return bounds
  }

  private atom(): Node {
    const char = this.source[this.at]!
    this.at++
    if (char === '(') {
      if (this.source[this.at] === '?') this.at += 2 // (?: — other group kinds are refused by re2Problem
      const inner = this.alternation()
      this.at++ // )
      return inner
    }
    if (char === '^' || char === '$') return { kind: 'empty' }
    if (char === '.') return { kind: 'set', set: DOT }
    if (char === '[') return { kind: 'set', set: this.characterClass() }
    if (char === '\\') {
      const next = this.source[this.at]
      if (next === 'b' || next === 'B') {
        this.at++
        return { kind: 'empty' }
      }
      return { kind: 'set', set: this.escape() }
    }
    const point = this.source.codePointAt(this.at - 1)!
    if (point > 0xffff) this.at++
    return { kind: 'set', set: [[point, point]] }
  }

  /** The set of an escape whose backslash was consumed. */
  private escape(): CharSet {
    const char = this.source[this.at]!
    this.at++
    const hex = (length: number) => {
      const value = parseInt(this.source.slice(this.at, this.at + length), 16)
      this.at += length
      return value
    }
    switch (char) {
      case 'd':
        return DIGIT
      case 'D':
        return complement(DIGIT)
      case 'w':
        return WORD
      case 'W':
        return complement(WORD)
      case 's':
        return SPACE
      case 'S':
        return complement(SPACE)
      case 'p':
      case 'P':
        this.at = this.source.indexOf('}', this.at) + 1
        return ALL
      case 'x': {
        const value = hex(2)
        return [[value, value]]
      }
      case 'u': {
        if (this.source[this.at] === '{') {
          const end = this.source.indexOf('}', this.at)
          const value = parseInt(this.source.slice(this.at + 1, end), 16)
          this.at = end + 1
          return [[value, value]]
        }
        const value = hex(4)
        // A surrogate pair written as two escapes is one character; any astral one is as good here.
        if (value >= 0xd800 && value <= 0xdbff && this.source.startsWith('\\u', this.at)) {
          this.at += 2
          hex(4)
          return [[0x10000, MAX_CODE_POINT]]
        }
        return [[value, value]]
      }
      case 'c':
        this.at++
        return [[0, 31]]
      case 'n':
        return single('\n')
      case 'r':
        return single('\r')
      case 't':
        return single('\t')
      case 'f':
        return single('\f')
      case 'v':
        return single('\v')
      case '0':
        return [[0, 0]]
      default:
        return single(char)
    }
  }

  private characterClass(): CharSet {
    const negated = this.source[this.at] === '^'
    if (negated) this.at++
    const ranges: CharSet = []
    while (this.source[this.at] !== ']') {
      const low = this.classAtom()
      if (this.source[this.at] === '-' && this.source[this.at + 1] !== ']' && low.length === 1) {
        this.at++
        const high = this.classAtom()
        if (low[0]![0] === low[0]![1] && high.length === 1 && high[0]![0] === high[0]![1]) {
          ranges.push([low[0]![0], high[0]![0]])
          continue
        }
        ranges.push(...low, [45, 45], ...high)
        continue
      }
      ranges.push(...low)
    }
    this.at++
    const set = normalize(ranges)
    // Case folding only ever adds characters to the complement, which chars() adds anyway.
    return negated ? complement(set) : set
  }

  private classAtom(): CharSet {
    if (this.source[this.at] === '\\') {
      this.at++
      if (this.source[this.at] === 'b') {
        this.at++
        return [[8, 8]]
      }
      return this.escape()
    }
    const point = this.source.codePointAt(this.at)!
    this.at += point > 0xffff ? 2 : 1
    return [[point, point]]
  }
}
