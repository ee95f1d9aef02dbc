import { prefixWithinBytes } from './text.js'

const ELLIPSIS = '…'
/** Below this many bytes of room a string is dropped rather than cut to a useless stub. */
const MIN_STRING_ROOM = 8

type Outcome = 'full' | 'partial' | 'none'

/**
 * Serializes `value` (already redacted, JSON-compatible) as valid JSON of at most `maxBytes` UTF-8
 * bytes: members and items are written in order until the budget runs out, the string that does not
 * fit is cut with `…`, and every open bracket is closed.
 */
export function jsonExcerpt(value: unknown, maxBytes: number): string {
  const parts: string[] = []
  let left = maxBytes

  const push = (piece: string, bytes = Buffer.byteLength(piece)): void => {
    parts.push(piece)
    left -= bytes
  }
  const popTo = (length: number): void => {
    while (parts.length > length) left += Buffer.byteLength(parts.pop()!)
  }

  /** Writes `node` leaving `reserve` bytes for the brackets that enclose it. */
  function write(node: unknown, reserve: number, top = false): Outcome {
    if (node === null || typeof node !== 'object') {
      const piece = JSON.stringify(node) ?? 'null'
      const bytes = Buffer.byteLength(piece)
      if (bytes <= left - reserve) {
        push(piece, bytes)
        return 'full'
      }
      if (typeof node !== 'string') return 'none'
      const room = left - reserve - 2 - Buffer.byteLength(ELLIPSIS)
      if (room < MIN_STRING_ROOM) return 'none'
      let cut = prefixWithinBytes(node, room)
      while (cut.length > 0 && Buffer.byteLength(JSON.stringify(cut + ELLIPSIS)) > left - reserve) {
        cut = cut.slice(0, -1)
      }
      push(JSON.stringify(cut + ELLIPSIS))
      return 'partial'
    }
    if (left - reserve < 2) return 'none'
    const isArray = Array.isArray(node)
    const start = parts.length
    push(isArray ? '[' : '{', 1)
    let outcome: Outcome = 'full'
    const entries: Array<[string | null, unknown]> = isArray
      ? node.map((item): [null, unknown] => [null, item])
      : Object.entries(node)
    let written = 0
    for (const [key, item] of entries) {
      const mark = parts.length
      if (written > 0) push(',', 1)
      if (key !== null) {
        const keyPiece = `${JSON.stringify(key)}:`
        if (Buffer.byteLength(keyPiece) > left - reserve - 1) {
          popTo(mark)
          outcome = 'partial'
          break
        }
        push(keyPiece)
      }
      const itemOutcome = write(item, reserve + 1)
      if (itemOutcome === 'none') {
        popTo(mark)
        outcome = 'partial'
        break
      }
      written++
      if (itemOutcome === 'partial') {
        outcome = 'partial'
        break
      }
    }
    if (written === 0 && entries.length > 0 && !top) {
      popTo(start)
      return 'none'
    }
    push(isArray ? ']' : '}', 1)
    return outcome
  }

  write(value, 0, true)
  return parts.length === 0 ? 'null' : parts.join('')
}
