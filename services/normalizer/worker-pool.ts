import path from 'node:path'
import { Piscina } from 'piscina'
import type { AuditRow, EventOrigin } from '../../schemas/audit-row.js'
import type { TenantConfig } from '../../schemas/config.js'
import { packageRoot } from '../platform/paths.js'
import type { MessageOutcome, ProcessMessages } from './consumer.js'
import { messageOrigin } from './pipeline.js'
import type { RedactionConfig } from './redaction/index.js'
import type { PayloadLimits } from './steps/redact.js'

export interface WorkerSetup {
  redaction: RedactionConfig
  limits: PayloadLimits
  tenants: Array<Pick<TenantConfig, 'id' | 'retention' | 'timezone' | 'residency' | 'serverTls'>>
}

export interface WorkerTask {
  partition: number
  messages: Array<{ value: Uint8Array | null; offset: string; origin: EventOrigin }>
}

export interface WorkerPool {
  process: ProcessMessages<AuditRow>
  close: () => Promise<void>
}

/**
 * parse → normalize → redact on worker threads (piscina), so the CPU-heavy part runs beside the
 * main thread's Kafka, HTTP and insert work. Always loads the compiled worker from dist/.
 */
export function startWorkerPool(options: WorkerSetup & { threads: number }): WorkerPool {
  const { threads, ...setup } = options
  const pool = new Piscina({
    filename: path.join(packageRoot(), 'dist', 'services', 'normalizer', 'worker.js'),
    minThreads: threads,
    maxThreads: threads,
    workerData: setup satisfies WorkerSetup,
    idleTimeout: 60_000,
  })
  return {
    process: async (messages, { partition }) => {
      const task: WorkerTask = {
        partition,
        messages: messages.map((message) => ({
          value: message.value,
          offset: message.offset,
          origin: messageOrigin(message),
        })),
      }
      return (await pool.run(task)) as Array<MessageOutcome<AuditRow>>
    },
    close: () => pool.destroy(),
  }
}
