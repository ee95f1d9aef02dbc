import { gzipSync } from 'node:zlib'
import type { Counter } from 'prom-client'
import type { Cidr } from '../../../schemas/cidr.js'
import type { OtlpHttpSinkConfig } from '../../../schemas/export.js'
import type { Logger } from '../../platform/logger.js'
import { createHttpTransport } from '../../webhooks/transport.js'
import { otlpEndpoint, otlpRequest, partialSuccessOf } from './otlp-format.js'
import type { Sink } from './sink.js'
import { loadSinkTls } from './tls.js'

export interface OtlpHttpSinkOptions {
  config: OtlpHttpSinkConfig
  /** Parsed `alerts.allowPrivateNetworks`: the SSRF guard webhooks use. */
  allowList: readonly Cidr[]
  logger: Logger
  /** Log records a collector took the batch without (`partialSuccess.rejectedLogRecords`), by sink. */
  rejected: Counter<'sink'>
  timeoutMs?: number
}

/**
 * Throttling and the gateway errors are the only statuses OTLP/HTTP lets a client retry
 * (opentelemetry-proto docs/specification.md, "Failures"); every other 4xx and 5xx is final.
 */
const OTLP_RETRYABLE = new Set([429, 502, 503, 504])

/**
 * OTLP/HTTP logs (JSON encoding, otlp-format.ts): one POST of the batch to `<url>/v1/logs`,
 * gzip-compressed by default, with the configured headers (an API key, a tenant header). A 200 is
 * final: a `partialSuccess` with rejected records says the collector will never take them, so
 * they are counted (`mcp_audit_export_rejected_records_total`) and logged, not sent again.
 * 429/502/503/504 are retried with backoff (honouring `Retry-After`); other statuses pause the sink
 * until fixed. Header values are only ever in the request, never in a message or log line.
 */
export function createOtlpHttpSink(options: OtlpHttpSinkOptions): Sink {
  const { config } = options
  const logger = options.logger.child({ component: 'exporter', sink: config.name })
  const endpoint = otlpEndpoint(config.url)
  const transport = createHttpTransport({
    allowList: options.allowList,
    tls: loadSinkTls(config.name, config.tls),
    retryableStatus: (status) => OTLP_RETRYABLE.has(status),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    wording: {
      noun: `OTLP collector (sink ${config.name})`,
      clientErrorAdvice:
        'the sink is paused: check the URL (the collector must take OTLP/HTTP JSON logs) and its headers',
      certificateAdvice: `set tls.caFile of sink ${config.name} to the CA that signed it (and tls.serverName when the certificate names another host)`,
    },
  })
  return {
    name: config.name,
    type: config.type,
    async send(records) {
      if (records.length === 0) return
      const text = JSON.stringify(otlpRequest(records))
      const headers: Record<string, string> = { ...config.headers, 'content-type': 'application/json' }
      if (config.gzip) headers['content-encoding'] = 'gzip'
      const receipt = await transport.post({
        url: endpoint,
        body: config.gzip ? gzipSync(text) : text,
        headers,
      })
      const partial = partialSuccessOf(receipt.body)
      if (partial === undefined) return
      if (partial.rejected > 0) options.rejected.inc({ sink: config.name }, partial.rejected)
      logger.warn(
        { records: records.length, rejected: partial.rejected, collector_message: partial.message },
        'export_partial_success',
      )
    },
    close: () => Promise.resolve(),
  }
}
