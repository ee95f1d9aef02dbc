/** The OTLP JSON value types and attribute builder the event, alert and report mappings share. */

export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }

export interface KeyValue {
  key: string
  value: AnyValue
}

export interface LogRecord {
  timeUnixNano: string
  observedTimeUnixNano: string
  severityNumber: number
  severityText: string
  eventName: string
  body: { stringValue: string }
  attributes: KeyValue[]
  traceId?: string
}

/** OTLP's SeverityNumber: INFO 9, WARN 13, ERROR 17, FATAL 21 (opentelemetry-proto logs.proto). */
export const SEVERITY = {
  info: { severityNumber: 9, severityText: 'INFO' },
  warn: { severityNumber: 13, severityText: 'WARN' },
  error: { severityNumber: 17, severityText: 'ERROR' },
  fatal: { severityNumber: 21, severityText: 'FATAL' },
} as const

/** An ISO time as OTLP's `…UnixNano` (a decimal string: JSON numbers cannot hold 64 bits). */
export const nanos = (iso: string): string => (BigInt(Date.parse(iso)) * 1_000_000n).toString()

/** Attributes in OTLP's key/value form; absent and empty values are left out. */
export class Attributes {
  readonly list: KeyValue[] = []
  string(key: string, value: string | null | undefined): this {
    if (value !== null && value !== undefined && value !== '')
      this.list.push({ key, value: { stringValue: value } })
    return this
  }
  int(key: string, value: number | null): this {
    if (value !== null) this.list.push({ key, value: { intValue: String(Math.trunc(value)) } })
    return this
  }
  double(key: string, value: number | null): this {
    if (value !== null) this.list.push({ key, value: { doubleValue: value } })
    return this
  }
  bool(key: string, value: boolean | null): this {
    if (value !== null) this.list.push({ key, value: { boolValue: value } })
    return this
  }
  strings(key: string, values: readonly string[]): this {
    if (values.length > 0)
      this.list.push({
        key,
        value: { arrayValue: { values: values.map((value) => ({ stringValue: value })) } },
      })
    return this
  }
}
