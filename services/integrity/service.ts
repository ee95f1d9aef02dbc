import type { AppConfig } from '../../schemas/config.js'
import type { Store } from '../platform/clickhouse.js'
import { healthy, unhealthy } from '../platform/health.js'
import type { Lifecycle } from '../platform/lifecycle.js'
import type { Logger } from '../platform/logger.js'
import { loadSealKey } from './seal-key.js'
import { createSealer, type Sealer } from './sealer.js'

export interface SealerServiceOptions {
  config: Pick<AppConfig, 'dataDir' | 'integrity'>
  store: Store
  logger: Logger
  lifecycle: Lifecycle
}

/**
 * The sealer beside the normalizer. Registered before the normalizer's consumers so that it stops
 * after them (the lifecycle stops in reverse): the final seal covers the consumers' last commits.
 */
export function startSealer(options: SealerServiceOptions): Sealer {
  const { config, store, logger, lifecycle } = options
  const sealer = createSealer({
    store,
    key: loadSealKey(config, logger),
    logger,
    intervalSeconds: config.integrity.sealIntervalSeconds,
  })
  sealer.start()
  lifecycle.register('integrity-sealer', () => sealer.stop())
  lifecycle.health.register('integrity-sealer', () => {
    const state = sealer.health()
    return state.healthy ? healthy : unhealthy(state.reason ?? 'sealing fails')
  })
  return sealer
}
