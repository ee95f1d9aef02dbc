import type { ExportEvent } from '../../../../schemas/export-record.js'

/**
 * What the three syslog formats share: how serious a record is on each format's scale, and the
 * text clean-up every free value needs before it goes into a line.
 */

export interface Severity {
  /** RFC 5424 §6.2.1: 4 warning, 5 notice, 6 informational. */
  syslog: number
  /** CEF 0–10 (0–3 Low, 4–6 Medium, 7–8 High, 9–10 Very-High); LEEF `sev` 1–10 on the same scale. */
  siem: number
}

/**
 * A call a policy denied is the record a SOC most wants to see (warning, High); a failed or timed
 * out call is worth a look (notice, Medium); a successful one is the audit trail itself
 * (informational, Low).
 */
export function severityOf(record: ExportEvent): Severity {
  switch (record.status) {
    case 'denied':
      return { syslog: 4, siem: 7 }
    case 'error':
    case 'timeout':
      return { syslog: 5, siem: 5 }
    case 'success':
      return { syslog: 6, siem: 3 }
  }
}

/** C0 controls and DEL: never sent raw, a receiver splitting lines or fields would cut the message there. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f]/g

/** The value with every control character replaced (U+FFFD shows that something was there). */
export function withoutControls(value: string, replacement = '\ufffd'): string {
  return value.replace(CONTROLS, replacement)
}

/** Printable US-ASCII only, at most `max` characters, `-` (the RFC 5424 nil value) when empty. */
export function asciiToken(value: string | null, max: number): string {
  const token = (value ?? '').replace(/[^!-~]/g, '_').slice(0, max)
  return token === '' ? '-' : token
}
