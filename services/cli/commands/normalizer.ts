import type { Command } from 'commander'
import { openStore } from '../../platform/clickhouse.js'
import { requireBrokers } from '../../platform/config.js'
import { createKafka } from '../../platform/kafka/client.js'
import { ensureTopics, pipelineTopics } from '../../platform/kafka/topics.js'
import { Lifecycle } from '../../platform/lifecycle.js'
import { createMetricsRegistry } from '../../platform/metrics.js'
import { migrate } from '../../platform/migrations.js'
import { startOpsServer } from '../../platform/ops-server.js'
import { resolvePseudonymizationKey } from '../../platform/pseudonymization-key.js'
import { createDetectorParts, startDetector } from '../../detector/service.js'
import { replayDeadLetters } from '../../normalizer/dlq-replay.js'
import { createMcpMetrics } from '../../normalizer/mcp-metrics.js'
import { startNormalizer } from '../../normalizer/service.js'
import { loadRuntime } from '../runtime.js'

export function registerNormalizer(program: Command): void {
  program
    .command('normalizer')
    .description(
      'run the normalizer alone (server mode): Kafka → normalize → redact → ClickHouse; needs KAFKA_BROKERS, CLICKHOUSE_URL and pseudonymization.key',
    )
    .action(async () => {
      const { config, logger } = loadRuntime()
      const brokers = requireBrokers(config, 'the normalizer')
      const key = resolvePseudonymizationKey(config, { allowGenerated: false })
      const lifecycle = new Lifecycle(logger)
      lifecycle.handleSignals()
      const store = openStore(config)
      lifecycle.register('clickhouse', store.close)
      await migrate(store, logger)
      await ensureTopics(
        createKafka({ brokers, clientId: config.kafka.clientId }, logger),
        pipelineTopics(config),
      )
      const registry = createMetricsRegistry()
      // Match rules run here, on stored rows; their alerts are enqueued for the detector to deliver.
      const detection = createDetectorParts({ config, store, logger, registry })
      const mcpMetrics = createMcpMetrics(registry)
      const normalizer = await startNormalizer({
        config,
        brokers,
        store,
        logger,
        registry,
        lifecycle,
        pseudonymizationKey: key,
        onRowsStored: async (rows) => {
          mcpMetrics.observe(rows)
          await detection.stream.inspect(rows)
        },
      })
      const ops = await startOpsServer({
        port: config.normalizer.opsPort,
        host: '0.0.0.0',
        registry,
        ready: () => {
          const health = normalizer.health()
          return { ready: health.healthy, reasons: health.reasons }
        },
      })
      lifecycle.register('normalizer-ops', ops.close)
      console.log(`normalizer running; health and metrics on ${ops.url}`)
    })
}

export function registerDetector(program: Command): void {
  program
    .command('detector')
    .description(
      'run the detector alone (server mode): windowed rules on a schedule and webhook delivery; needs a ClickHouse server (CLICKHOUSE_URL)',
    )
    .action(async () => {
      const { config, logger } = loadRuntime()
      const lifecycle = new Lifecycle(logger)
      lifecycle.handleSignals()
      const store = openStore(config)
      lifecycle.register('clickhouse', store.close)
      await migrate(store, logger)
      const registry = createMetricsRegistry()
      startDetector({ config, store, logger, registry, lifecycle })
      const ops = await startOpsServer({
        port: config.detector.opsPort,
        host: '0.0.0.0',
        registry,
        ready: () => ({ ready: true, reasons: [] }),
      })
      lifecycle.register('detector-ops', ops.close)
      console.log(`detector running; health and metrics on ${ops.url}`)
    })
}

export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').description('dead-letter queue tools')
  dlq
    .command('replay')
    .description(
      'send dead-lettered messages back to the topic they came from (after a fix); resumes where the last replay stopped',
    )
    .option('--dry-run', 'list what would be replayed without sending or committing')
    .action(async (options: { dryRun?: boolean }) => {
      const { config, logger } = loadRuntime({ quiet: true })
      // Without KAFKA_BROKERS, the local broker of a running `mcp-audit start`.
      const brokers = config.kafka.brokers ?? [`127.0.0.1:${config.kafka.localPort}`]
      const letters = await replayDeadLetters({
        kafka: createKafka({ brokers, clientId: `${config.kafka.clientId}-dlq-replay` }, logger),
        dlqTopic: config.kafka.topics.dlq,
        sourceTopics: [config.kafka.topics.raw, config.kafka.topics.receipts],
        defaultTopic: config.kafka.topics.raw,
        logger,
        dryRun: options.dryRun === true,
      })
      for (const letter of letters) console.log(JSON.stringify(letter))
      console.log(
        `${options.dryRun ? 'would replay' : 'replayed'} ${letters.length} message(s) from ${config.kafka.topics.dlq}`,
      )
    })
}
