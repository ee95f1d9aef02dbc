import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { clearStaleBroker } from './local-kafka-stale.js'
import type { Logger } from './logger.js'
import { packageRoot } from './paths.js'

/**
 * A real Apache Kafka broker (KRaft, single node acting as broker and controller) for `mcp-audit
 * start` and the tests. Its jars come from Maven Central through scripts/kafka/pom.xml and are
 * cached under .cache/kafka/<version>/libs. Kafka 4.1.1 is pinned: kafkajs 2.2.4 produces
 * (idempotent, acks=all), consumes, joins consumer groups and commits offsets against it
 * (test/integration/kafka.int.test.ts proves it on every run).
 */
export const KAFKA_VERSION = '4.1.1'

export class LocalKafkaError extends Error {
  readonly retryable = false
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LocalKafkaError'
  }
}

export function kafkaCacheDir(): string {
  return path.join(packageRoot(), '.cache', 'kafka', KAFKA_VERSION)
}

/** Resolves the broker's jars with Maven once; later calls reuse the cache. Returns the libs folder. */
export function ensureKafkaJars(logger?: Logger): string {
  const cache = kafkaCacheDir()
  const libs = path.join(cache, 'libs')
  const marker = path.join(cache, '.complete')
  if (existsSync(marker)) return libs

  const javaCheck = spawnSync('java', ['-version'], { encoding: 'utf8' })
  if (javaCheck.error || javaCheck.status !== 0) {
    throw new LocalKafkaError(
      'the local Kafka broker needs Java 17 or newer on PATH (`java -version` failed). Install a JDK, or set KAFKA_BROKERS to use an existing Kafka.',
    )
  }
  logger?.info({ version: KAFKA_VERSION, cache }, 'kafka_jars_resolving')
  const staging = path.join(cache, `libs.${process.pid}.tmp`)
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(cache, { recursive: true })
  const pom = path.join(packageRoot(), 'scripts', 'kafka', 'pom.xml')
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      pom,
      `-Dkafka.version=${KAFKA_VERSION}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${staging}`,
      '-DincludeScope=runtime',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  )
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n')
    throw new LocalKafkaError(
      `could not resolve Apache Kafka ${KAFKA_VERSION} from Maven Central with mvn (${result.error?.message ?? `exit ${result.status}`}). ` +
        `Check that Maven is installed and Maven Central is reachable, or set KAFKA_BROKERS to use an existing Kafka.\n${output}`,
    )
  }
  rmSync(libs, { recursive: true, force: true })
  renameSync(staging, libs)
  writeFileSync(marker, `${KAFKA_VERSION}\n`)
  logger?.info({ version: KAFKA_VERSION }, 'kafka_jars_resolved')
  return libs
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

export interface LocalKafkaOptions {
  /** Folder for the broker's logs, config and metadata; reused across restarts. */
  dir: string
  port: number
  controllerPort?: number
  partitions?: number
  heapMb?: number
  logger?: Logger
  startTimeoutMs?: number
  /**
   * A second, SASL_PLAINTEXT listener for one user, with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512
   * (the integration tests of `kafka.sasl` use it; `start` runs plaintext on loopback only).
   */
  sasl?: { port: number; username: string; password: string }
}

export interface LocalKafka {
  brokers: string[]
  pid: number
  stop: () => Promise<void>
}

const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512']

function saslListenerConfig(sasl: LocalKafkaOptions['sasl']): { listener: string; lines: string[] } {
  if (!sasl) return { listener: '', lines: [] }
  // JAAS quotes the values; the user and password of a test have no quotes or backslashes.
  const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required user_${sasl.username}="${sasl.password}";`
  return {
    listener: `,SASL_PLAINTEXT://127.0.0.1:${sasl.port}`,
    lines: [
      `sasl.enabled.mechanisms=PLAIN,${SCRAM_MECHANISMS.join(',')}`,
      `listener.name.sasl_plaintext.plain.sasl.jaas.config=${plain}`,
      ...SCRAM_MECHANISMS.map(
        (mechanism) =>
          `listener.name.sasl_plaintext.${mechanism.toLowerCase()}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
      ),
    ],
  }
}

/** `--add-scram` arguments of the storage format for the SASL listener's user. */
function scramCredentials(sasl: LocalKafkaOptions['sasl']): string[] {
  if (!sasl) return []
  return SCRAM_MECHANISMS.flatMap((mechanism) => [
    '--add-scram',
    `${mechanism}=[name=${sasl.username},password=${sasl.password}]`,
  ])
}

function writeBrokerConfig(
  dir: string,
  port: number,
  controllerPort: number,
  partitions: number,
  sasl: LocalKafkaOptions['sasl'],
): string {
  const file = path.join(dir, 'server.properties')
  const saslListener = saslListenerConfig(sasl)
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${saslListener.listener}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}${saslListener.listener}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${sasl ? ',SASL_PLAINTEXT:SASL_PLAINTEXT' : ''}`,
    ...saslListener.lines,
    `log.dirs=${path.join(dir, 'data')}`,
    `num.partitions=${partitions}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
  ]
  writeFileSync(file, `${lines.join('\n')}\n`)
  writeFileSync(
    path.join(dir, 'log4j2.properties'),
    [
      'status = warn',
      'appender.file.type = File',
      'appender.file.name = file',
      `appender.file.fileName = ${path.join(dir, 'broker.log')}`,
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = warn',
      'rootLogger.appenderRef.file.ref = file',
      '',
    ].join('\n'),
  )
  return file
}

async function waitUntilReady(brokers: string[], child: ChildProcess, logFile: string, timeoutMs: number) {
  const kafka = new Kafka({
    clientId: 'mcp-audit-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  })
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : ''
      throw new LocalKafkaError(
        `the local Kafka broker exited during start (code ${child.exitCode}); ${logFile}:\n${tail}`,
      )
    }
    const admin = kafka.admin()
    try {
      await admin.connect()
      await admin.describeCluster()
      return
    } catch (err) {
      lastError = err
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new LocalKafkaError(
    `the local Kafka broker did not answer on ${brokers.join(',')} within ${timeoutMs} ms`,
    {
      cause: lastError,
    },
  )
}

/** Formats storage on first use, starts the broker and resolves once it answers metadata requests. */
export async function startLocalKafka(options: LocalKafkaOptions): Promise<LocalKafka> {
  const { dir, port, logger } = options
  const controllerPort = options.controllerPort ?? port + 1
  const libs = ensureKafkaJars(logger)
  mkdirSync(dir, { recursive: true })
  const busy = await clearStaleBroker(dir, [port, controllerPort], { logger })
  if (busy !== undefined) throw new LocalKafkaError(busy)
  const configFile = writeBrokerConfig(dir, port, controllerPort, options.partitions ?? 6, options.sasl)
  const classpath = `${libs}${path.sep}*`
  const javaBase = ['-cp', classpath, `-Dlog4j2.configurationFile=${path.join(dir, 'log4j2.properties')}`]

  if (!existsSync(path.join(dir, 'data', 'meta.properties'))) {
    const format = spawnSync(
      'java',
      // `--cluster-id=` form: a random id may start with '-', which the option parser would take for a flag.
      [
        ...javaBase,
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId()}`,
        '-c',
        configFile,
        '--standalone',
        // SCRAM credentials live in the cluster metadata: written when the storage is formatted.
        ...scramCredentials(options.sasl),
      ],
      { encoding: 'utf8' },
    )
    if (format.status !== 0) {
      throw new LocalKafkaError(
        `formatting the Kafka storage in ${dir} failed:\n${format.stdout}${format.stderr}`,
      )
    }
  }

  const heap = options.heapMb ?? 512
  const logFile = path.join(dir, 'broker.log')
  const child = spawn(
    'java',
    [
      `-Xmx${heap}m`,
      `-Xms${Math.min(heap, 256)}m`,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      ...javaBase,
      'kafka.Kafka',
      configFile,
    ],
    // Own process group: a Ctrl-C at the terminal reaches us, and we stop the broker last, in order.
    { stdio: ['ignore', 'ignore', 'ignore'], detached: true },
  )
  writeFileSync(path.join(dir, 'broker.pid'), `${child.pid}\n`)
  const brokers = [`127.0.0.1:${port}`]
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  try {
    await waitUntilReady(brokers, child, logFile, options.startTimeoutMs ?? 90_000)
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  logger?.info({ brokers, pid: child.pid, dir }, 'kafka_local_started')

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    await exited
    clearTimeout(timer)
    rmSync(path.join(dir, 'broker.pid'), { force: true })
    logger?.info({ brokers }, 'kafka_local_stopped')
  }
  return { brokers, pid: child.pid ?? -1, stop }
}

/** Kafka cluster ids are 16 random bytes in URL-safe base64 without padding. */
function clusterId(): string {
  return Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url')
}
