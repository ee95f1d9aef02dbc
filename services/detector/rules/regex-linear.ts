import { ALL, foldCase, intersects, normalize, Parser, type CharSet, type Node } from './regex-syntax.js'

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
 * check holds for both case modes. Only the syntax that `re2Problem` lets through is handled.
 */

/** Counted repetitions above this cost like unbounded ones. */
const LARGE_REPEAT = 256

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

/** The characters a match of `node` can start with (`fromEnd`: end with). */
function first(node: Node, fromEnd = false): CharSet {
  switch (node.kind) {
    case 'set':
      return foldCase(node.set)
    case 'empty':
      return []
    case 'seq': {
      const out: CharSet = []
      for (const item of fromEnd ? [...node.items].reverse() : node.items) {
        out.push(...first(item, fromEnd))
        if (!nullable(item)) break
      }
      return normalize(out)
    }
    case 'alt':
      return normalize(node.options.flatMap((option) => first(option, fromEnd)))
    case 'repeat':
      return first(node.node, fromEnd)
  }
}

type Pair = [CharSet, CharSet]

/** Pairs of sets whose characters can stand next to each other inside one match of `node`. */
function pairs(node: Node): Pair[] {
  switch (node.kind) {
    case 'set':
    case 'empty':
      return []
    case 'alt':
      return node.options.flatMap(pairs)
    case 'repeat':
      return node.max > 1
        ? [...pairs(node.node), [first(node.node, true), first(node.node)]]
        : pairs(node.node)
    case 'seq': {
      const out = node.items.flatMap(pairs)
      for (let i = 0; i < node.items.length; i++) {
        for (let j = i + 1; j < node.items.length; j++) {
          out.push([first(node.items[i]!, true), first(node.items[j]!)])
          if (!nullable(node.items[j]!)) break
        }
      }
      return out
    }
  }
}

/**
 * True when text matching `prefix` (the required sets in order) cannot lie inside a run of `node`
 * repeated: one of its characters, or two of them side by side, cannot occur there. A restart inside
 * the run then cannot reach the run again (`"key":"` inside a JSON string run, where `"` is escaped).
 */
function prefixLeavesRun(prefix: CharSet[], node: Node, set: CharSet): boolean {
  if (prefix.some((required) => !intersects(required, set))) return true
  const inside: Pair[] = [...pairs(node), [first(node, true), first(node)]]
  for (let i = 0; i + 1 < prefix.length; i++) {
    const [a, b] = [prefix[i]!, prefix[i + 1]!]
    if (!inside.some(([x, y]) => intersects(a, x) && intersects(b, y))) return true
  }
  return false
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
            ? unbounded && !prefixLeavesRun(run.prefix, node.node, set)
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
