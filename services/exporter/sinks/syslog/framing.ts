/**
 * How messages are delimited on a TCP or TLS stream (RFC 6587 §3.4; export-formats.md §3).
 * Octet counting (`MSG-LEN SP SYSLOG-MSG`, the length in bytes of the UTF-8 message) carries any
 * byte and is what RFC 5425 requires over TLS; `lf` (non-transparent framing with an LF trailer)
 * is for receivers that only split lines, and is safe only because no message of ours holds a raw
 * LF (JSON escapes it, CEF writes `\n`, LEEF and structured data replace it).
 */
export type SyslogFraming = 'octet-counting' | 'lf'

const LF = Buffer.from('\n')

export function frame(message: string, framing: SyslogFraming): Buffer {
  const bytes = Buffer.from(message, 'utf8')
  if (framing === 'lf') return Buffer.concat([bytes, LF])
  return Buffer.concat([Buffer.from(`${bytes.length} `, 'ascii'), bytes])
}
