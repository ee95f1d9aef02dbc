import type { Command } from 'commander'
import type { AppConfig } from '../../../schemas/config.js'
import { createKafka } from '../../platform/kafka/client.js'
import { replayDeadLetters } from '../../normalizer/dlq-replay.js'
import { loadRuntime, serve } from '../runtime.js'

/** A service alone in its process (server mode), with `/healthz`, `/readyz` and `/metrics` on its ops port. */
async function runAlone(
  service: 'normalizer' | 'detector',
  kafka: 'required' | 'none',
  opsPort: (config: AppConfig) => number,
): Promise<void> {
  const runtime = await serve(loadRuntime(), { kafka, store: true, what: `the ${service}` }, (context) => ({
    services: [service],
    ops: { port: opsPort(context.config), host: '0.0.0.0' },
  }))
  console.log(`${service} running; health and metrics on ${runtime.ops!.url}`)
}

export function registerNormalizer(program: Command): void {
  program
    .command('normalizer')
    .description(
      'run the normalizer alone (server mode): Kafka → normalize → redact → ClickHouse; needs KAFKA_BROKERS, CLICKHOUSE_URL and pseudonymization.key',
    )
    // Match rules run here, on stored rows; their alerts are enqueued for the detector to deliver.
    .action(() => runAlone('normalizer', 'required', (config) => config.normalizer.opsPort))
}

export function registerDetector(program: Command): void {
  program
    .command('detector')
    .description(
      'run the detector alone (server mode): windowed rules on a schedule and webhook delivery; needs a ClickHouse server (CLICKHOUSE_URL)',
    )
    .action(() => runAlone('detector', 'none', (config) => config.detector.opsPort))
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
        kafka: createKafka(
          { brokers, clientId: `${config.kafka.clientId}-dlq-replay`, security: config.kafka },
          logger,
        ),
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
