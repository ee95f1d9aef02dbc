/**
 * Name globs for configuration (`tenants[].rbac.tools`, `tenants[].residency.serverRegions`,
 * `tenants[].serverTls`): `*` stands for any run of characters,
 * everything else is literal, and case is ignored (`*delete*`, `fs_write_*`, `admin.*`).
 *
 * Matching needs no regular expression and never backtracks: the literal pieces between the stars
 * are looked up once each, left to right (the leftmost place of each piece leaves the most room for
 * the rest, so the first fit is the right one). Its time is linear in the name for a given glob, so
 * no glob from a config can stall the detector on a long tool name. A regex such as `^.*a.*b$`
 * would not be (services/detector/rules/regex-linear.ts refuses exactly that shape).
 */

export const GLOB_MAX_LENGTH = 200

/** What a glob may not contain, with the reason, checked in this order. */
const REFUSED: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /[\s\p{Cc}]/u, why: 'has whitespace or a control character' },
  { pattern: /[?[\]{}\\]/, why: 'uses ?, [ ], { } or \\, which are not supported (only * is)' },
]

/** Why `glob` cannot be used, or null when it can. */
export function globProblem(glob: string): string | null {
  if (glob.length === 0) return 'is empty'
  if (glob.length > GLOB_MAX_LENGTH) return `is longer than ${GLOB_MAX_LENGTH} characters`
  const refused = REFUSED.find(({ pattern }) => pattern.test(glob))
  return refused ? refused.why : null
}

export type GlobMatcher = (name: string) => boolean

/** Compiles a glob that `globProblem` accepted. */
export function compileGlob(glob: string): GlobMatcher {
  const pieces = glob.toLowerCase().split('*')
  if (pieces.length === 1) {
    const exact = pieces[0]!
    return (name) => name.toLowerCase() === exact
  }
  const prefix = pieces[0]!
  const suffix = pieces[pieces.length - 1]!
  const middle = pieces.slice(1, -1).filter((piece) => piece.length > 0)
  return (name) => {
    const text = name.toLowerCase()
    const end = text.length - suffix.length
    if (end < prefix.length || !text.startsWith(prefix) || !text.endsWith(suffix)) return false
    let position = prefix.length
    for (const piece of middle) {
      const found = text.indexOf(piece, position)
      if (found === -1 || found + piece.length > end) return false
      position = found + piece.length
    }
    return true
  }
}

/**
 * A lookup over a `glob → value` map: an exact name wins (case ignored, like the globs), then the
 * first glob in the map's order that matches. Undefined when nothing matches.
 */
export function globLookup<T>(entries: Readonly<Record<string, T>>): (name: string) => T | undefined {
  const exact = new Map(Object.entries(entries).map(([glob, value]) => [glob.toLowerCase(), value]))
  const globs = Object.entries(entries)
    .filter(([glob]) => glob.includes('*'))
    .map(([glob, value]) => ({ matches: compileGlob(glob), value }))
  return (name) => exact.get(name.toLowerCase()) ?? globs.find((glob) => glob.matches(name))?.value
}
