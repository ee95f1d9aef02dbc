import { describe, expect, it } from 'vitest'
import { backtrackingProblem } from './regex-linear.js'
import { regexProblem } from './regex.js'

describe('linear-time check of rule regexes', () => {
  it.each([
    ['(a+)+', 'a repetition inside a repetition'],
    ['(\\w+\\s?)*x', 'a repetition inside a repetition'],
    ['(\\.\\.[/\\\\]+){2,}', 'a repetition inside a repetition'],
    ['x(a|a)*y', 'alternatives that can start with the same character'],
    ['x(a|ab)+y', 'alternatives that can start with the same character'],
    ['x(a?)*y', 'can match nothing'],
    ['<\\s*/?\\s*x', '\\s* and \\s* can match the same characters'],
    ['^.*a.*b.*$', '.* and .* can match the same characters'],
    ['#[a-z]+[a-z0-9]*y', '[a-z]+ and [a-z0-9]* can match the same characters'],
    ['\\d\\p{L}+', '\\p{L}+ repeats characters that can also start a match'],
    ['\\bnc(at)?\\s[^|;&]*\\s-e\\s', '[^|;&]* repeats characters that can also start a match'],
    ['a+b', 'a+ repeats characters that can also start a match'],
    ['ab(?:[^"\\\\]|\\\\.)*c', 'repeats characters that can also start a match'],
    ['\\s+x', '\\s+ repeats characters that can also start a match'],
    ['X\\w*y', '\\w* repeats characters that can also start a match'],
    ['x[^y]{0,1000}z', '[^y]{0,1000} repeats characters that can also start a match'],
  ])('refuses %s', (source, reason) => {
    const problem = backtrackingProblem(source)
    expect(problem).toContain(reason)
    expect(problem).toMatch(/^can take time quadratic or worse in the text: /)
    expect(regexProblem(source)).toBe(problem)
  })

  it.each([
    'exec|shell|bash',
    'foo\\d+',
    'x\\s*y',
    '^a+b',
    '^a.c.*d$',
    '\\.\\.[/\\\\]+\\.\\.[/\\\\]',
    'x[^y]{0,200}z',
    '\\bnc(at)?\\s[^|;&]{0,200}\\s-e\\s',
    '<\\s*(/\\s*)?(important|system)\\s*>',
    'do(?:\\s|\\\\[nrt])+not(?:\\s|\\\\[nrt])+the(?:\\s|\\\\[nrt])+user',
    '\\|\\s*(sudo\\s+)?(ba|da|k|z)?sh\\b',
    '#[\\u{1F600}-\\u{1F64F}]+x',
    '#\\u00e9?[^#]+',
    // Sigma sub-field matches: a restart inside the JSON string would need an unescaped "
    '"path":"(?:[^"\\\\]|\\\\.)*/\\.ssh/',
  ])('accepts %s', (source) => {
    expect(backtrackingProblem(source)).toBeNull()
  })

  it('over-approximates case folding: K (U+212A) overlaps k whatever the case mode', () => {
    expect(backtrackingProblem('x\\u212a*k*y')).toContain('can match the same characters')
  })
})
