import { gzipSync } from 'node:zlib'
import type { Cidr } from '../../../schemas/cidr.js'
import type { SplunkHecSinkConfig } from '../../../schemas/export.js'
import { createHttpTransport } from '../../webhooks/transport.js'
import { hecBody, hecEndpoint } from './hec-format.js'
import type { Sink } from './sink.js'
import { loadSinkTls } from './tls.js'

export interface SplunkHecSinkOptions {
  config: SplunkHecSinkConfig
  /** Parsed `alerts.allowPrivateNetworks`: the SSRF guard webhooks use. */
  allowList: readonly Cidr[]
  timeoutMs?: number
}

/**
 * Splunk HEC: one POST of the batch's events to `/services/collector/event` with
 * `Authorization: Splunk <token>`, gzip-compressed by default. HEC answers 200 once it has taken the
 * batch; 503 (server busy, queues full) and 5xx are retried with backoff (honouring `Retry-After`);
 * 400/401/403 (bad data, index or token) are not retryable and pause the sink until fixed. The token
 * is only ever in the request header, never in a message or log line.
 */
export function createSplunkHecSink(options: SplunkHecSinkOptions): Sink {
  const { config } = options
  const endpoint = hecEndpoint(config.url)
  const transport = createHttpTransport({
    allowList: options.allowList,
    tls: loadSinkTls(config.name, config.tls),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    wording: {
      noun: `Splunk HEC (sink ${config.name})`,
      clientErrorAdvice:
        'the sink is paused: check its token (a HEC token, enabled), its index (allowed for the token) and the URL',
      certificateAdvice: `set tls.caFile of sink ${config.name} to the CA that signed it (and tls.serverName when the certificate names another host)`,
    },
  })
  return {
    name: config.name,
    type: config.type,
    async send(records) {
      if (records.length === 0) return
      const text = hecBody(records, config)
      const headers: Record<string, string> = {
        authorization: `Splunk ${config.token}`,
        'content-type': 'application/json',
      }
      if (config.gzip) headers['content-encoding'] = 'gzip'
      await transport.post({ url: endpoint, body: config.gzip ? gzipSync(text) : text, headers })
    },
    close: () => Promise.resolve(),
  }
}
