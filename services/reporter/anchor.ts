import type { AppConfig } from '../../schemas/config.js'
import { readAnchors } from '../integrity/index.js'
import type { Store } from '../platform/clickhouse.js'
import { healthy, unhealthy, type Health } from '../platform/health.js'
import type { Logger } from '../platform/logger.js'
import type { DeliveryOutbox } from '../webhooks/index.js'

/**
 * The external witness (`integrity.anchor`): at start and then every `intervalMinutes`, the head
 * of each seal chain of every configured tenant goes through the webhook outbox to the anchor
 * webhooks that receive the tenant, so a copy of the chain heads lives outside the store. It runs
 * in the reporter, not beside the sealer: there is one reporter per installation and it reads
 * every partition's seals, while each normalizer seals only its own partitions (several would
 * send partial anchors); the reporter also owns an outbox and delivers what it enqueues.
 * An anchor whose heads did not move since the last one has the same id and is not sent again.
 */

export interface AnchorSchedule {
  /** Enqueues the current anchors; resolves with the number of tenants anchored. */
  anchorNow(now?: Date): Promise<number>
  start(): void
  stop(): Promise<void>
  /** Unhealthy after anchoring failed for two intervals in a row. */
  health(): Health
}

const MINUTE_MS = 60_000

export function createAnchorSchedule(deps: {
  anchor: NonNullable<AppConfig['integrity']['anchor']>
  /** The configured tenants: seals of another tenant id (one since removed) are not sent. */
  tenantIds: readonly string[]
  store: Pick<Store, 'client' | 'database'>
  outbox: Pick<DeliveryOutbox, 'enqueueAnchor'>
  logger: Logger
}): AnchorSchedule {
  const { webhooks, intervalMinutes } = deps.anchor
  const { tenantIds } = deps
  const log = deps.logger.child({ component: 'integrity-anchor' })
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = Promise.resolve()
  let failingSince: number | undefined
  let lastError = ''

  async function anchorNow(now = new Date()): Promise<number> {
    const anchors = await readAnchors(deps.store, { tenantIds, now })
    for (const anchor of anchors) await deps.outbox.enqueueAnchor(anchor, webhooks)
    log.debug({ tenants: anchors.length }, 'integrity_anchors_enqueued')
    return anchors.length
  }

  const tick = () => {
    running = running
      .then(() => anchorNow())
      .then(() => {
        failingSince = undefined
      })
      .catch((err: unknown) => {
        failingSince ??= Date.now()
        lastError = (err as Error).message
        log.error({ err }, 'integrity_anchor_failed')
      })
  }

  return {
    anchorNow,
    start() {
      log.info({ webhooks, interval_minutes: intervalMinutes }, 'integrity_anchor_started')
      tick()
      timer = setInterval(tick, intervalMinutes * MINUTE_MS)
      timer.unref()
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      await running
    },
    health() {
      if (failingSince !== undefined && Date.now() - failingSince > 2 * intervalMinutes * MINUTE_MS) {
        return unhealthy(`anchoring has failed since ${new Date(failingSince).toISOString()}: ${lastError}`)
      }
      return healthy
    },
  }
}
