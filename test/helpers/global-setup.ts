import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { freePort, startLocalKafka, type LocalKafka } from '../../services/platform/local-kafka.js'
import { packageRoot } from '../../services/platform/paths.js'

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[]
    kafkaDir: string
  }
}

let broker: LocalKafka | undefined
let dir: string | undefined

/**
 * Builds or installs a real export receiver once (scripts/receivers/NAME.sh, a no-op when it is
 * there): a receiver that cannot be had fails the whole run with the script's reason, no test skips.
 */
function installReceiver(name: string): void {
  const script = path.join(packageRoot(), 'scripts', 'receivers', `${name}.sh`)
  const result = spawnSync('bash', [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  })
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-30).join('\n')
    throw new Error(`${script} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`)
  }
}

/** One real Apache Kafka broker for the integration tests, on free ports, removed afterwards; the export receivers. */
export async function setup(project: TestProject): Promise<void> {
  installReceiver('otelcol')
  installReceiver('rsyslog')
  installReceiver('seaweedfs')
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-kafka-'))
  const port = await freePort()
  let controllerPort = await freePort()
  while (controllerPort === port) controllerPort = await freePort()
  broker = await startLocalKafka({ dir, port, controllerPort, heapMb: 768 })
  project.provide('kafkaBrokers', broker.brokers)
  project.provide('kafkaDir', dir)
}

export async function teardown(): Promise<void> {
  await broker?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
}
