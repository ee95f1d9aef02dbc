import { workerData } from 'node:worker_threads'
import type { AuditRow } from '../../schemas/audit-row.js'
import { encodeAuditRow } from '../platform/store/audit-events.js'
import type { MessageOutcome } from './consumer.js'
import { processEventMessage, type EventPipelineDeps } from './pipeline.js'
import { createRedactor } from './redaction/index.js'
import { retentionLookup, timeZoneLookup } from './retention.js'
import { placementLookup } from './steps/placement.js'
import type { WorkerSetup, WorkerTask } from './worker-pool.js'

const setup = workerData as WorkerSetup
const deps: EventPipelineDeps = {
  redactor: createRedactor(setup.redaction),
  limits: setup.limits,
  retentionDays: retentionLookup(setup.tenants),
  timeZone: timeZoneLookup(setup.tenants),
  placement: placementLookup(setup.tenants),
}

/**
 * One chunk of messages of one partition → their outcomes, in order, each row also encoded for the
 * insert: the main thread then only joins the lines (a row object costs it as much to receive
 * either way; encoding it there cost as much again).
 */
export default function processChunk(task: WorkerTask): Array<MessageOutcome<AuditRow>> {
  // Buffers arrive as plain Uint8Arrays after the structured clone into this thread.
  return task.messages.map(({ value, offset, origin }) => {
    const outcome = processEventMessage(
      {
        value: value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
        offset,
      },
      task.partition,
      deps,
      origin,
    )
    return outcome.kind === 'ok' ? { ...outcome, lines: outcome.rows.map(encodeAuditRow) } : outcome
  })
}
