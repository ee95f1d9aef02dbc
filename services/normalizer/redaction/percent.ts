/**
 * Percent-decoding with a map back to the input: `starts[i]`/`ends[i]` are the input span of output
 * character `i`, so a value found in the decoded text is replaced where it stands, encoded, in the
 * input. Bytes are decoded as UTF-8 (`%E5%AF%86%E7%A0%81` is 密码); a byte that does not begin a
 * valid sequence is kept as its Latin-1 character. `+` is a space, as in form-encoded bodies.
 */
export interface Decoded {
  text: string
  starts: number[]
  ends: number[]
}

const HAS_ESCAPE = /%[0-9A-Fa-f]{2}/

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  const lower = code | 0x20
  return lower >= 97 && lower <= 102 ? lower - 87 : -1
}

/** The byte of the `%XX` escape at `at`, or -1 when there is none. */
function byteAt(text: string, at: number): number {
  if (text.charCodeAt(at) !== 37) return -1
  const high = hexDigit(text.charCodeAt(at + 1))
  const low = hexDigit(text.charCodeAt(at + 2))
  return high < 0 || low < 0 ? -1 : high * 16 + low
}

/** Length of the UTF-8 sequence `lead` begins, or 0 when it begins none. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1
  if (lead >= 0xc2 && lead <= 0xdf) return 2
  if (lead >= 0xe0 && lead <= 0xef) return 3
  if (lead >= 0xf0 && lead <= 0xf4) return 4
  return 0
}

/** The decoded text and its map, or null when `text` holds no `%XX` escape. Linear in `text`. */
export function percentDecode(text: string): Decoded | null {
  if (!HAS_ESCAPE.test(text)) return null
  let out = ''
  const starts: number[] = []
  const ends: number[] = []
  const emit = (chars: string, start: number, end: number): void => {
    out += chars
    for (let k = 0; k < chars.length; k++) {
      starts.push(start)
      ends.push(end)
    }
  }
  let i = 0
  while (i < text.length) {
    const lead = byteAt(text, i)
    if (lead < 0) {
      emit(text[i] === '+' ? ' ' : text[i]!, i, i + 1)
      i++
      continue
    }
    const length = sequenceLength(lead)
    const bytes = [lead]
    for (let k = 1; k < length; k++) {
      const next = byteAt(text, i + 3 * k)
      if (next < 0x80 || next > 0xbf) break
      bytes.push(next)
    }
    if (length === 0 || bytes.length < length) {
      emit(String.fromCharCode(lead), i, i + 3)
      i += 3
      continue
    }
    const chars = Buffer.from(bytes).toString('utf8')
    emit(chars, i, i + 3 * length)
    i += 3 * length
  }
  return { text: out, starts, ends }
}
