/**
 * A static check that a rule regex runs in time linear in the text on V8's backtracking engine.
 * Conservative: it refuses what it cannot show to be linear, and says how to rewrite it.
 *
 * A backtracking search costs more than linear time when two parts of the pattern can take the same
 * characters, so that a failing attempt tries every way of sharing them out:
 * - a repetition inside a repetition (`(a+)+`, `(\w+\s?)*`), or repeated alternatives that can start
 *   alike (`(a|ab)*`);
 * - two repetitions, one of them unbounded, that can match the same characters with nothing they
 *   cannot match required between them (`<\s*[/]?\s*`, `.*a.*b`);
 * - an unbounded repetition whose characters can also start a match (`\s[^|;]*\s-e`, `a+b`): the
 *   search restarts at each of them and rescans the same run.
 * Character sets are over-approximated (case folding of any flags, `\p{…}` as everything), so the
 * check holds for both case modes. Only the syntax that {@link re2Problem} lets through is handled.
 */

type CharSet = Array<[number, number]>

type Node =
  | { kind: 'set'; set: CharSet }
  | { kind: 'empty' }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number; text: string }

const MAX_CODE_POINT = 0x10ffff
const ALL: CharSet = [[0, MAX_CODE_POINT]]
/** Counted repetitions above this cost like unbounded ones. */
const LARGE_REPEAT = 256

function normalize(ranges: CharSet): CharSet {
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

function intersects(a: CharSet, b: CharSet): boolean {
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
function foldCase(set: CharSet): CharSet {
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

class Parser {
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

/** Every character `node` can consume (case-folded). */
function chars(node: Node): CharSet {
  switch (node.kind) {
    case 'set':
      return foldCase(node.set)
    case 'empty':
      return []
    case 'seq':
      return normalize(node.items.flatMap(chars))
    case 'alt':
      return normalize(node.options.flatMap(chars))
    case 'repeat':
      return chars(node.node)
  }
}

function nullable(node: Node): boolean {
  switch (node.kind) {
    case 'set':
      return false
    case 'empty':
      return true
    case 'seq':
      return node.items.every(nullable)
    case 'alt':
      return node.options.some(nullable)
    case 'repeat':
      return node.min === 0 || nullable(node.node)
  }
}

/** The characters a match of `node` can start with. */
function first(node: Node): CharSet {
  switch (node.kind) {
    case 'set':
      return foldCase(node.set)
    case 'empty':
      return []
    case 'seq': {
      const out: CharSet = []
      for (const item of node.items) {
        out.push(...first(item))
        if (!nullable(item)) break
      }
      return normalize(out)
    }
    case 'alt':
      return normalize(node.options.flatMap(first))
    case 'repeat':
      return first(node.node)
  }
}

function repeats(node: Node): Array<Extract<Node, { kind: 'repeat' }>> {
  switch (node.kind) {
    case 'repeat':
      return node.max > 1 ? [node] : repeats(node.node)
    case 'seq':
      return node.items.flatMap(repeats)
    case 'alt':
      return node.options.flatMap(repeats)
    default:
      return []
  }
}

/**
 * A repetition the text may still be inside of. The search's own restarts are the run with a
 * `prefix`: the sets of the characters required since the start of the pattern on this path.
 */
interface OpenRun {
  label: string
  set: CharSet
  unbounded: boolean
  prefix?: CharSet[]
}

/** Alternations multiply the restart paths; past this many they merge into one with no prefix (refuses more). */
const MAX_PATHS = 4096

class Refusal extends Error {}

/** Why repeating `node` (`text`) can backtrack over its own iterations, or null. */
function iterationProblem(node: Node, text: string): string | null {
  const inner = repeats(node)
  if (inner.length > 0) {
    return `${text} repeats ${inner[0]!.text}, a repetition inside a repetition; write one repetition of the characters allowed (e.g. [\\w\\s]* for (\\w+\\s?)*)`
  }
  if (nullable(node))
    return `${text} repeats something that can match nothing; make each repetition take a character`
  const options = node.kind === 'alt' ? node.options : []
  for (let i = 0; i < options.length; i++) {
    for (let j = i + 1; j < options.length; j++) {
      if (intersects(first(options[i]!), first(options[j]!))) {
        return `${text} repeats alternatives that can start with the same character; make them start differently (e.g. (a|b)+ instead of (a|ab)+)`
      }
    }
  }
  return null
}

function walk(node: Node, open: OpenRun[]): OpenRun[] {
  switch (node.kind) {
    case 'set': {
      const set = foldCase(node.set)
      return open.flatMap((run) =>
        run.prefix !== undefined
          ? [{ ...run, prefix: [...run.prefix, set] }]
          : intersects(run.set, set)
            ? [run]
            : [],
      )
    }
    case 'empty':
      return open
    case 'seq':
      return node.items.reduce((runs, item) => walk(item, runs), open)
    case 'alt':
      return merge(node.options.flatMap((option) => walk(option, open)))
    case 'repeat': {
      if (node.max > 1) {
        const problem = iterationProblem(node.node, node.text)
        if (problem !== null) throw new Refusal(problem)
      }
      const inner = walk(node.node, open)
      const through = node.min === 0 ? merge([...open, ...inner]) : inner
      if (node.max <= 1 || node.min === node.max) return through
      const unbounded = node.max > LARGE_REPEAT
      const set = chars(node.node)
      for (const run of open) {
        const overlaps =
          run.prefix !== undefined
            ? unbounded && run.prefix.every((required) => intersects(required, set))
            : (run.unbounded || unbounded) && intersects(run.set, set)
        if (overlaps) throw new Refusal(conflict(run, node.text))
      }
      return [...through, { label: node.text, set, unbounded }]
    }
  }
}

function merge(runs: OpenRun[]): OpenRun[] {
  const unique = [...new Set(runs)]
  const restarts = unique.filter((run) => run.prefix !== undefined)
  if (restarts.length <= MAX_PATHS) return unique
  return [...unique.filter((run) => run.prefix === undefined), { ...restarts[0]!, prefix: [] }]
}

function conflict(run: OpenRun, text: string): string {
  if (run.prefix !== undefined) {
    return `${text} repeats characters that can also start a match, so the search rescans the same run from each of them; put a character that ${text} cannot match before it, bound it ({0,${LARGE_REPEAT}}), or anchor the regex with ^`
  }
  return `${run.label} and ${text} can match the same characters with nothing required between them, so a failing match tries every split; make them exclusive (e.g. [^…]), separate them by a required character neither matches, or bound them ({0,${LARGE_REPEAT}})`
}

/**
 * Why `source` could take more than linear time on a backtracking engine, or null when it cannot.
 * Call it on sources that compile and pass {@link re2Problem}.
 */
export function backtrackingProblem(source: string): string | null {
  const tree = new Parser(source).parse()
  const anchored = tree.kind === 'seq' && tree.items[0]?.kind === 'empty' && source.startsWith('^')
  // The search itself starts an attempt at each position, which matters for unbounded runs only.
  const start: OpenRun[] = anchored ? [] : [{ label: 'search', set: ALL, unbounded: false, prefix: [] }]
  try {
    walk(tree, start)
    return null
  } catch (err) {
    if (err instanceof Refusal) return `can take time quadratic or worse in the text: ${err.message}`
    throw err
  }
}
