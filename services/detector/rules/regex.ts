import { backtrackingProblem } from './regex-linear.js'

/**
 * Rule regexes run twice: in the stream as JavaScript RegExp (with the `u` flag, whose escapes and
 * code-point matching are closest to RE2) and in windowed rules as ClickHouse `match()`, which is
 * RE2. A pattern is accepted only when both engines read it the same way, and when the JavaScript
 * engine, which backtracks, provably runs it in linear time (one event's text must not stall the stream).
 */

/** RE2 refuses counted repetitions above this. */
const RE2_MAX_REPEAT = 1000

/** Why `source` is not portable to RE2, or null when it is. */
export function re2Problem(source: string): string | null {
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const char = source[i]
    if (char === '\\') {
      const next = source[i + 1] ?? ''
      if (/[1-9]/.test(next) && !inClass) {
        return `backreference \\${next} is not supported by RE2 (ClickHouse match()); match the text without referring back to a group`
      }
      if (next === 'k' && source[i + 2] === '<') {
        return 'named backreference \\k<…> is not supported by RE2 (ClickHouse match()); match the text without referring back to a group'
      }
      if (next === 'A' || next === 'z' || next === 'Z') {
        return `\\${next} anchors differ between RE2 and JavaScript; use ^ and $`
      }
      if (next === 'Q' || next === 'E')
        return '\\Q…\\E quoting is RE2-only; escape each special character with \\'
      i++
      continue
    }
    if (inClass) {
      if (char === ']') inClass = false
      continue
    }
    if (char === '[') {
      inClass = true
      // A leading ] (or ^]) is a literal in RE2 but closes an empty class in JavaScript.
      if (source[i + 1] === ']' || (source[i + 1] === '^' && source[i + 2] === ']')) {
        return 'a ] right after [ or [^ means different things in RE2 and JavaScript; escape it as \\]'
      }
      continue
    }
    if (char === '(' && source[i + 1] === '?') {
      const kind = source.slice(i + 2, i + 4)
      if (kind.startsWith('=') || kind.startsWith('!')) {
        return 'lookahead (?=…) / (?!…) is not supported by RE2 (ClickHouse match()); rewrite without lookaround, or split the rule with `not`'
      }
      if (kind === '<=' || kind === '<!') {
        return 'lookbehind (?<=…) / (?<!…) is not supported by RE2 (ClickHouse match()); rewrite without lookaround, or split the rule with `not`'
      }
      if (kind.startsWith('<') || kind.startsWith('P')) {
        return 'named groups are not needed in rules; use (…) or (?:…)'
      }
      if (!kind.startsWith(':')) {
        return 'inline flags such as (?i) are not supported; text matching ignores case unless case_sensitive: true'
      }
    }
    if (char === '{') {
      const counted = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i))
      const largest = counted ? Math.max(Number(counted[1]), Number(counted[2] || 0)) : 0
      if (largest > RE2_MAX_REPEAT) {
        return `counted repetition {${largest}} is above RE2's limit of ${RE2_MAX_REPEAT}`
      }
    }
  }
  return null
}

/** The JavaScript form of a rule regex; throws SyntaxError when it does not compile. */
export function compileRegex(source: string, caseSensitive: boolean): RegExp {
  return new RegExp(source, caseSensitive ? 'u' : 'iu')
}

/** Why `source` cannot be used in a rule, or null when it can. */
export function regexProblem(source: string): string | null {
  try {
    compileRegex(source, true)
  } catch (err) {
    return `does not compile: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`
  }
  return re2Problem(source) ?? backtrackingProblem(source)
}
