import type { AuditRow } from '../../schemas/audit-row.js'
import { ingestRecords } from '../collector/ingest.js'
import type { SampleIngest } from '../detector/index.js'
import { processEventMessage, type EventPipelineDeps } from '../normalizer/pipeline.js'
import { createRedactor } from '../normalizer/redaction/index.js'
import { DEFAULT_PAYLOAD_LIMITS } from '../normalizer/steps/redact.js'

const SAMPLE_GATEWAY = 'test-gw'
/** Pseudonyms of sample events are stable across runs; never a production key. */
const SAMPLE_HMAC_KEY = 'mcp-audit-rule-tests-only-key'

/**
 * Sample events (rule tests, `rules test --events`) → the rows production would store: the
 * collector's validation (event ids derived when absent), then the normalizer's parse, normalize,
 * derive and redact steps with a fixed test key. The CLI composes the two services for the detector.
 */
export const ingestSamples: SampleIngest = (events, { tenantId, receivedAt, timeZone }) => {
  const { accepted, errors } = ingestRecords(
    events.map((value) => ({ kind: 'record', value })),
    { tenantId, gateway: SAMPLE_GATEWAY, format: 'generic', receivedAt: receivedAt.toISOString() },
  )
  const byEvent = new Map<number, string[]>()
  for (const e of errors) byEvent.set(e.index, [...(byEvent.get(e.index) ?? []), `${e.path}: ${e.message}`])
  const problems = [...byEvent].map(([index, messages]) => `event ${index + 1}: ${messages.join('; ')}`)
  const deps: EventPipelineDeps = {
    redactor: createRedactor({ hmacKey: SAMPLE_HMAC_KEY }),
    limits: DEFAULT_PAYLOAD_LIMITS,
    // Old sample events must not fall to the table's TTL.
    retentionDays: () => 36_500,
    timeZone: () => timeZone,
  }
  const rows: AuditRow[] = []
  accepted.forEach(({ envelope }, index) => {
    const outcome = processEventMessage(
      { value: Buffer.from(JSON.stringify(envelope)), offset: String(index) },
      0,
      deps,
    )
    if (outcome.kind !== 'ok') {
      problems.push(
        `event ${envelope.event.event_id ?? index}: the normalizer would ${outcome.kind} it: ${outcome.reason}`,
      )
      return
    }
    rows.push(...outcome.rows)
  })
  return { rows, problems }
}
