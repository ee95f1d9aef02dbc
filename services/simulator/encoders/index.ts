import type { SimCall, SimFormat } from '../types.js'
import { encodeAgentgateway } from './agentgateway.js'
import { encodeDocker } from './docker.js'
import { encodeEnvoy } from './envoy.js'
import { encodeGeneric } from './generic.js'
import { encodeKong } from './kong.js'
import { encodeMcpx } from './mcpx.js'
import { encodeOtlp } from './otlp.js'
import type { EncodedRecord, Encoder } from './shared.js'
import { encodeToolhive } from './toolhive.js'

export type { EncodedRecord, Encoder } from './shared.js'

export const ENCODERS: Record<SimFormat, Encoder> = {
  generic: encodeGeneric,
  toolhive: encodeToolhive,
  agentgateway: encodeAgentgateway,
  envoy: encodeEnvoy,
  kong: encodeKong,
  mcpx: encodeMcpx,
  docker: encodeDocker,
  otlp: encodeOtlp,
}

export function encode(call: SimCall, format: SimFormat): EncodedRecord[] {
  return ENCODERS[format](call)
}
