import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  freePort,
  KAFKA_VERSION,
  startLocalKafka,
  type LocalKafka,
} from '../../services/platform/local-kafka.js'
import type { BenchmarkContext } from './report.js'

export const BROKER_HEAP_MB = 768

/**
 * A temporary folder with a local Apache Kafka broker in `<dir>/kafka` on free ports; the broker is
 * stopped and the folder removed when the benchmark ends. The rest of the folder is the rig's.
 */
export async function startBenchBroker(
  ctx: BenchmarkContext,
  name: string,
): Promise<{ dir: string; broker: LocalKafka }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `mcp-audit-bench-${name}-`))
  ctx.defer('remove the broker and store folder', () => rmSync(dir, { recursive: true, force: true }))
  const port = await freePort()
  let controllerPort = await freePort()
  while (controllerPort === port) controllerPort = await freePort()
  ctx.progress(`starting Apache Kafka ${KAFKA_VERSION} on 127.0.0.1:${port}`)
  const broker = await startLocalKafka({
    dir: path.join(dir, 'kafka'),
    port,
    controllerPort,
    heapMb: BROKER_HEAP_MB,
  })
  ctx.defer('stop the broker', () => broker.stop())
  return { dir, broker }
}
