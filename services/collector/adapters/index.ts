import { agentgatewayAdapter } from './agentgateway.js'
import { contextforgeAdapter } from './contextforge.js'
import { dockerAdapter } from './docker.js'
import { envoyAdapter } from './envoy.js'
import { genericAdapter } from './generic.js'
import { kongAdapter } from './kong.js'
import { mcpxAdapter } from './mcpx.js'
import { otlpAdapter } from './otlp.js'
import { toolhiveAdapter } from './toolhive.js'
import type { AdapterName, GatewayAdapter } from './types.js'

export { GatewayFormat } from './types.js'
export type { AdaptOutcome, AdapterContext, AdapterName, GatewayAdapter } from './types.js'

/**
 * Detection order: most specific shape first. Envoy before agentgateway (both use `mcp.method.name`;
 * only Envoy has `start_time`), docker before generic (a bare JSON-RPC message has no `timestamp`),
 * generic last because almost any object with `method` or `tool` looks like it.
 */
const DETECTION_ORDER: readonly GatewayAdapter[] = [
  otlpAdapter,
  kongAdapter,
  toolhiveAdapter,
  contextforgeAdapter,
  mcpxAdapter,
  envoyAdapter,
  agentgatewayAdapter,
  dockerAdapter,
  genericAdapter,
]

const REGISTRY = new Map<AdapterName, GatewayAdapter>(
  DETECTION_ORDER.map((adapter) => [adapter.format, adapter]),
)

export function adapterFor(format: AdapterName): GatewayAdapter {
  const adapter = REGISTRY.get(format)
  if (!adapter) throw new Error(`no adapter registered for format "${format}"`)
  return adapter
}

/**
 * The format whose shape the record has. A record no format recognises is treated as `generic`, whose
 * validation then names the fields that are missing or wrong.
 */
export function detectFormat(record: unknown): AdapterName {
  return DETECTION_ORDER.find((adapter) => adapter.detect(record))?.format ?? 'generic'
}
