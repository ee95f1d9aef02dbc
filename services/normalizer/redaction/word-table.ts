/**
 * A read-only map from words to small numbers that looks a word up where it stands in a text, without
 * slicing it out first: the name gazetteer asks about most capitalised words of every text, and a
 * slice per question (plus a lookup in a large `Map`) was a tenth of the scan's time. Open addressing
 * over an FNV-1a hash of the UTF-16 code units. Each slot keeps its word's full hash beside it, so a
 * probe reads the stored word only when the hashes agree: most questions are about words that are
 * absent, and answering them from one typed array spares a cache miss per probe.
 */
export interface WordTable {
  /** The value of `text[start, end)`, or 0 when it is not in the table. */
  at(text: string, start: number, end: number): number
  get(word: string): number
}

function hashOf(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return hash | 0
}

export function createWordTable(entries: ReadonlyMap<string, number>): WordTable {
  let size = 1
  while (size < entries.size * 2) size *= 2
  const mask = size - 1
  /** Slot `i` at `2i`: 1 + index of the word in `words` (0 when empty), then the word's full hash. */
  const slots = new Int32Array(2 * size)
  const words: string[] = []
  const values: number[] = []
  for (const [word, value] of entries) {
    if (value === 0) continue
    const hash = hashOf(word, 0, word.length)
    let slot = hash & mask
    while (slots[2 * slot] !== 0) slot = (slot + 1) & mask
    words.push(word)
    values.push(value)
    slots[2 * slot] = words.length
    slots[2 * slot + 1] = hash
  }

  function at(text: string, start: number, end: number): number {
    const length = end - start
    const hash = hashOf(text, start, end)
    let slot = hash & mask
    for (;;) {
      const entry = slots[2 * slot]!
      if (entry === 0) return 0
      if (slots[2 * slot + 1] === hash) {
        const word = words[entry - 1]!
        if (word.length === length && text.startsWith(word, start)) return values[entry - 1]!
      }
      slot = (slot + 1) & mask
    }
  }
  return { at, get: (word) => at(word, 0, word.length) }
}
