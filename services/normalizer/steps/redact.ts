import type { AuditRow } from '../../../schemas/audit-row.js'
import { NormalizerConfig } from '../../../schemas/config.js'
import type { NormalizedEvent } from './normalize.js'

export type Findings = Record<string, number>

/** The part of the redaction engine this step uses (services/normalizer/redaction). */
export interface EventRedactor {
  redactText(text: string): { text: string; findings: Findings }
  redactJson(
    value: unknown,
    options?: { maxBytes?: number },
  ): { json: string; findings: Findings; truncated: boolean; originalBytes: number }
  pseudonymizeUser(id: string | null | undefined): {
    value: string
    kind: 'pseudonym' | 'service_account' | 'none'
  }
  pseudonymizeSession(id: string): string
}

export interface PayloadLimits {
  /** Stored excerpt of the arguments, in bytes of JSON (`normalizer.argumentsMaxBytes`). */
  argumentsMaxBytes: number
  /** Stored excerpt of the result (`normalizer.resultMaxBytes`). */
  resultMaxBytes: number
  /** Error messages, user agents, URIs and each attribute value. */
  textMaxBytes: number
  /** Attributes kept per event. */
  maxAttributes: number
  /** The attributes, redacted as one JSON object before they are flattened. */
  attributesMaxBytes: number
}

/**
 * The step's limits: the two excerpt sizes are settings, the rest are fixed by the row's shape.
 * Every caller (the normalizer, its workers, rule tests, benchmarks) builds its limits here.
 */
export function payloadLimits(
  settings: Pick<NormalizerConfig, 'argumentsMaxBytes' | 'resultMaxBytes'>,
): PayloadLimits {
  return {
    argumentsMaxBytes: settings.argumentsMaxBytes,
    resultMaxBytes: settings.resultMaxBytes,
    textMaxBytes: 2_048,
    maxAttributes: 64,
    attributesMaxBytes: 16_384,
  }
}

/** What the normalizer stores with the configuration's defaults. */
export const DEFAULT_PAYLOAD_LIMITS: PayloadLimits = payloadLimits(NormalizerConfig.parse({}))

function addFindings(into: Findings, from: Findings): void {
  for (const [type, count] of Object.entries(from)) into[type] = (into[type] ?? 0) + count
}

function clip(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text
  // Cut on a character boundary, then mark the cut.
  let cut = text.slice(0, maxBytes)
  while (Buffer.byteLength(cut) > maxBytes - 3) cut = cut.slice(0, -1)
  return `${cut}…`
}

/**
 * Every free-text, identifier and payload field goes through the redactor before the row exists; the
 * row has no clear-text field left. Names and ids (tool, prompt, request, trace, client) keep their
 * text except for what a detector finds in it, so rules and reports still see clean names. The user
 * id is always a keyed pseudonym (service accounts on the allow-list stay readable), and so is the
 * session id, with a key domain of its own. Findings from all fields are counted together.
 */
export function redactEvent(
  event: NormalizedEvent,
  redactor: EventRedactor,
  limits: PayloadLimits,
): Omit<AuditRow, 'content_hash'> {
  const { clear } = event
  const findings: Findings = {}
  const text = (value: string | null): string => {
    if (value === null || value === '') return ''
    const out = redactor.redactText(value)
    addFindings(findings, out.findings)
    return clip(out.text, limits.textMaxBytes)
  }
  // Percent-encoding hides a token's boundaries from the detectors, so URIs are decoded first; the
  // stored URI is the decoded, redacted form.
  const uri = (value: string | null): string => {
    if (value === null || value === '') return ''
    let decoded = value
    try {
      decoded = decodeURIComponent(value.replaceAll('+', ' '))
    } catch {
      // Malformed escapes: redact the text as it came.
    }
    return text(decoded)
  }
  const payload = (value: unknown, maxBytes: number) => {
    if (value === undefined || value === null) return { json: '', bytes: 0, truncated: false }
    const out = redactor.redactJson(value, { maxBytes })
    addFindings(findings, out.findings)
    return { json: out.json, bytes: out.originalBytes, truncated: out.truncated }
  }

  const args = payload(clear.arguments, limits.argumentsMaxBytes)
  const result = payload(clear.result, limits.resultMaxBytes)
  const user = redactor.pseudonymizeUser(clear.userId)

  // Attributes are redacted as one JSON object, so sensitive key names are seen, then flattened.
  const attributes: Record<string, string> = {}
  const entries = Object.entries(clear.attributes).slice(0, limits.maxAttributes)
  if (entries.length > 0) {
    const out = redactor.redactJson(Object.fromEntries(entries), { maxBytes: limits.attributesMaxBytes })
    addFindings(findings, out.findings)
    let redacted: Record<string, unknown>
    try {
      redacted = JSON.parse(out.json) as Record<string, unknown>
    } catch {
      redacted = { attributes: out.json }
    }
    for (const [key, value] of Object.entries(redacted)) {
      attributes[key] = clip(typeof value === 'string' ? value : JSON.stringify(value), limits.textMaxBytes)
    }
  }

  const { row } = event
  // Written out, not spread (`{ ...row, tool, … }`): V8 adds each key after a spread of this row
  // through a slow path (about 2 µs a key, 55 µs an event, a quarter of the normalizer's CPU), and
  // a literal costs nothing. The return type keeps the list complete.
  return {
    tenant_id: row.tenant_id,
    event_id: row.event_id,
    schema_version: row.schema_version,
    occurred_at: row.occurred_at,
    received_at: row.received_at,
    ingested_at: row.ingested_at,
    gateway: row.gateway,
    gateway_format: row.gateway_format,
    method: row.method,
    server_name: row.server_name,
    server_version: row.server_version,
    server_transport: row.server_transport,
    client_version: row.client_version,
    user_roles: row.user_roles,
    auth_method: row.auth_method,
    status: row.status,
    error_class: row.error_class,
    error_code: row.error_code,
    duration_ms: row.duration_ms,
    decision: row.decision,
    data_region: row.data_region,
    tls: row.tls,
    retention_until: row.retention_until,
    source_partition: row.source_partition,
    source_offset: row.source_offset,
    origin: row.origin,
    tool: text(clear.tool),
    prompt: text(clear.prompt),
    session_id: redactor.pseudonymizeSession(clear.sessionId),
    request_id: text(clear.requestId),
    trace_id: text(clear.traceId),
    client_name: text(clear.clientName),
    user_id: user.value,
    user_id_kind: user.kind,
    source_ip: text(clear.sourceIp),
    user_agent: text(clear.userAgent),
    resource_uri: uri(clear.resourceUri),
    arguments: args.json,
    arguments_bytes: args.bytes,
    arguments_truncated: args.truncated,
    result: result.json,
    result_bytes: result.bytes,
    result_truncated: result.truncated,
    error_message: text(clear.errorMessage),
    attributes,
    redaction_findings: findings,
  }
}
