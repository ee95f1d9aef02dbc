import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { freePort, startLocalKafka, type LocalKafka } from '../../services/platform/local-kafka.js'

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[]
    kafkaDir: string
  }
}

let broker: LocalKafka | undefined
let dir: string | undefined

/** One real Apache Kafka broker for the integration tests, on free ports, removed afterwards. */
export async function setup(project: TestProject): Promise<void> {
  // The real export receivers, built once into .cache/receivers/ (a failed build fails the run).
  execFileSync('bash', [path.resolve(import.meta.dirname, '../../scripts/receivers/seaweedfs.sh')], {
    stdio: 'inherit',
  })
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
