import type { AuditRow } from '../../schemas/audit-row.js'
import type { AppConfig } from '../../schemas/config.js'
import { processEventMessage, type EventPipelineDeps } from '../../services/normalizer/pipeline.js'
import { createRedactor } from '../../services/normalizer/redaction/index.js'
import { redactionConfigFrom } from '../../services/normalizer/redaction-config.js'
import { retentionLookup } from '../../services/normalizer/retention.js'
import { addContentHash } from '../../services/normalizer/steps/content-hash.js'
import { deriveEvent } from '../../services/normalizer/steps/derive.js'
import { normalizeEnvelope, type NormalizedEvent } from '../../services/normalizer/steps/normalize.js'
import { parseMessage } from '../../services/normalizer/steps/parse.js'
import { payloadLimits, redactEvent } from '../../services/normalizer/steps/redact.js'
import type { RawMessage } from './normalizer-events.js'
import { mainThreadCpuSeconds } from './normalizer-probes.js'

/**
 * The normalizer's CPU stages on this thread with nothing else running: processEventMessage whole
 * on a sample, then each stage timed over every message (in chunks, so per-call timer overhead
 * stays out). The rows it makes are what the insert ceiling writes.
 */

/** The pipeline's dependencies built from the config the way services/normalizer/service.ts does. */
export function pipelineDeps(config: AppConfig, pseudonymizationKey: string): EventPipelineDeps {
  return {
    redactor: createRedactor(redactionConfigFrom(config, pseudonymizationKey)),
    limits: payloadLimits(config.normalizer),
    retentionDays: retentionLookup(config.tenants),
  }
}

export interface StageTimes {
  events: number
  /** Milliseconds over all events. */
  jsonParseMs: number
  parseMs: number
  normalizeMs: number
  redactMs: number
  /**
   * Wall time of the staged pass and this thread's own CPU time in it: the gap is time the thread
   * waited for a core (other processes), which wall-clock stage times include.
   */
  passWallMs: number
  passCpuMs: number
  /** processEventMessage whole, on `wholeEvents` of the events. */
  wholeMs: number
  wholeEvents: number
  /** Events with a finding besides IP_ADDRESS (every event's source_ip is one), and findings by type. */
  eventsWithOtherFindings: number
  findings: Record<string, number>
}

const CHUNK = 5_000
const PARTITION = 0

export function measureStages(
  messages: readonly RawMessage[],
  deps: EventPipelineDeps,
  wholeSample: number,
): { times: StageTimes; rows: AuditRow[] } {
  const rows: AuditRow[] = []
  const times: StageTimes = {
    events: messages.length,
    jsonParseMs: 0,
    parseMs: 0,
    normalizeMs: 0,
    redactMs: 0,
    passWallMs: 0,
    passCpuMs: 0,
    wholeMs: 0,
    wholeEvents: 0,
    eventsWithOtherFindings: 0,
    findings: {},
  }
  // Warm the JIT before anything is timed; time the whole function first, while the heap is small.
  const whole = (sample: readonly RawMessage[]) => {
    sample.forEach((message, index) => {
      if (
        processEventMessage({ value: message.value, offset: String(index) }, PARTITION, deps).kind !== 'ok'
      ) {
        throw new Error('benchmark message rejected by processEventMessage')
      }
    })
  }
  whole(messages.slice(0, 2_000))
  const sample = messages.slice(0, Math.min(wholeSample, messages.length))
  const wholeStarted = performance.now()
  whole(sample)
  times.wholeMs = performance.now() - wholeStarted
  times.wholeEvents = sample.length

  const passStarted = performance.now()
  const passCpu = mainThreadCpuSeconds()
  for (let start = 0; start < messages.length; start += CHUNK) {
    const chunk = messages.slice(start, start + CHUNK)
    let began = performance.now()
    for (const message of chunk) JSON.parse(message.value.toString('utf8'))
    times.jsonParseMs += performance.now() - began

    began = performance.now()
    const parsed = chunk.map((message) => parseMessage(message.value))
    times.parseMs += performance.now() - began

    began = performance.now()
    const normalized: NormalizedEvent[] = []
    parsed.forEach((result, index) => {
      if (result.kind !== 'ok') throw new Error(`benchmark message rejected by parse: ${result.reason}`)
      const outcome = normalizeEnvelope(result.value, {
        partition: PARTITION,
        offset: start + index,
        retentionDays: deps.retentionDays,
      })
      if (outcome.kind !== 'ok') throw new Error(`benchmark message rejected by normalize: ${outcome.reason}`)
      // The derive step counts with normalize, as it did when normalize derived the attributes itself.
      normalized.push(deriveEvent(outcome.value, deps.timeZone?.(result.value.tenant_id) ?? 'UTC'))
    })
    times.normalizeMs += performance.now() - began

    began = performance.now()
    const redacted = normalized.map((event) => redactEvent(event, deps.redactor, deps.limits))
    times.redactMs += performance.now() - began

    for (const row of redacted) {
      const entries = Object.entries(row.redaction_findings)
      if (entries.some(([type]) => type !== 'IP_ADDRESS')) times.eventsWithOtherFindings++
      for (const [type, count] of entries) times.findings[type] = (times.findings[type] ?? 0) + count
      rows.push(addContentHash(row))
    }
  }

  times.passWallMs = performance.now() - passStarted
  times.passCpuMs = (mainThreadCpuSeconds() - passCpu) * 1000
  return { times, rows }
}
