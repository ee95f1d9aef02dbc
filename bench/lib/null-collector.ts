import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AppConfig } from '../../schemas/config.js'
import { createCollectorApp } from '../../services/collector/app.js'
import { createPreparer } from '../../services/collector/prepare-pool.js'
import { TokenAuthenticator } from '../../services/platform/auth.js'
import { createCollectorMetrics } from '../../services/collector/metrics.js'
import { TenantRateLimiter } from '../../services/collector/rate-limit.js'
import { HealthRegistry } from '../../services/platform/health.js'
import type { Logger } from '../../services/platform/logger.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'

/**
 * The collector's HTTP app with a publisher that acknowledges at once: everything the real
 * collector does except Kafka. Its throughput is what HTTP, Express, parsing and validation allow.
 */
export async function startNullCollector(
  config: AppConfig,
  logger: Logger,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const registry = createMetricsRegistry()
  const app = createCollectorApp({
    config,
    logger,
    registry,
    metrics: createCollectorMetrics(registry),
    publisher: { publish: () => Promise.resolve() },
    preparer: createPreparer({ threads: 0, minBytes: 0 }),
    auth: new TokenAuthenticator(config.tenants),
    limiter: new TenantRateLimiter(() => config.collector.rateLimit),
    health: new HealthRegistry(),
  })
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
    listening.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }),
  }
}
