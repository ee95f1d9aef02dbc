/**
 * Name patterns in configuration (`residency.serverRegions`, `serverTls`): `*` matches any run of
 * characters, `?` one character, everything else itself, case-sensitively over the whole name.
 */
export function globPattern(pattern: string): RegExp {
  const source = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`, 'su')
}

/**
 * A lookup over a `pattern → value` map: an exact key wins, then the first glob (in the map's order)
 * that matches. Undefined when nothing matches.
 */
export function globLookup<T>(entries: Readonly<Record<string, T>>): (name: string) => T | undefined {
  const exact = new Map(Object.entries(entries))
  const globs = Object.entries(entries)
    .filter(([pattern]) => /[*?]/.test(pattern))
    .map(([pattern, value]) => ({ regex: globPattern(pattern), value }))
  return (name) => exact.get(name) ?? globs.find((glob) => glob.regex.test(name))?.value
}
