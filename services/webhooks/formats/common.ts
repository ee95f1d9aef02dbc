/** Types and text helpers the webhook formats share. */

/** The group as `key=value|key=value`, keys sorted (the detector's group key). */
export function groupKey(group: Record<string, string>): string {
  return groupText(group, '|')
}

/** Cuts to `max` UTF-16 units with an ellipsis, never inside a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  let cut = text.slice(0, max - 1)
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1)
  return `${cut}…`
}

/** ISO 8601 in UTC; ClickHouse's `YYYY-MM-DD hh:mm:ss.sss` (UTC) is read as UTC, not local time. */
export function toIso(text: string): string {
  const normalized = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(text)
    ? `${text.replace(' ', 'T')}Z`
    : text
  const time = Date.parse(normalized)
  return Number.isNaN(time) ? text : new Date(time).toISOString()
}

export function groupText(group: Record<string, string>, separator: string): string {
  return Object.keys(group)
    .sort()
    .map((key) => `${key}=${group[key]}`)
    .join(separator)
}

export function isHttpUrl(text: string): boolean {
  return /^https?:\/\//i.test(text)
}

/**
 * Line breaks and tabs (which could forge extra lines: "Severity: low"), and the other C0/C1
 * controls with the bidirectional overrides (which make text read backwards: "exe.txt").
 */
const LINE_BREAKS = /[\r\n\t\v\f\u0085\u2028\u2029]/g
const INVISIBLE_CONTROLS = /[\p{Cc}\p{Bidi_Control}]/gu

/**
 * Text a sender controls (tool, server and session names, the summary built from them) as one line
 * of plain text for a receiver to show: line breaks become spaces, other controls U+FFFD, and it is
 * cut to `max`. Each format then keeps it out of markup (see facts.ts).
 */
export function plainLine(text: string, max: number): string {
  return truncate(text.replace(LINE_BREAKS, ' ').replace(INVISIBLE_CONTROLS, '\uFFFD'), max)
}
