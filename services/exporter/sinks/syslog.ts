import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Cidr } from '../../../schemas/cidr.js'
import type { SyslogSinkConfig } from '../../../schemas/export.js'
import type { ExportEvent } from '../../../schemas/export-record.js'
import type { Logger } from '../../platform/logger.js'
import { packageRoot } from '../../platform/paths.js'
import type { Resolver } from '../../webhooks/ssrf.js'
import type { Sink } from './sink.js'
import { cefLine } from './syslog/cef.js'
import { createSyslogConnection } from './syslog/connection.js'
import { frame } from './syslog/framing.js'
import { leefLine } from './syslog/leef.js'
import { rfc5424Message, syslogHeader } from './syslog/rfc5424.js'
import { loadSinkTls } from './tls.js'

export interface SyslogSinkOptions {
  config: SyslogSinkConfig
  /** Parsed `alerts.allowPrivateNetworks`: the SSRF guard webhooks use. */
  allowList: readonly Cidr[]
  logger: Logger
  resolve?: Resolver
  connectTimeoutMs?: number
  writeTimeoutMs?: number
}

/** The release, for CEF's Device Version and LEEF's Product Version. */
function mcpAuditVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    version?: unknown
  }
  return typeof manifest.version === 'string' ? manifest.version : '0'
}

/** One record as the syslog message of the sink's format (always behind an RFC 5424 header). */
export function syslogFormatter(
  config: SyslogSinkConfig,
  hostname: string,
  version: string,
): (record: ExportEvent) => string {
  const header = { facility: config.facility, hostname, appName: config.appName }
  switch (config.format) {
    case 'rfc5424':
      return (record) =>
        rfc5424Message(record, {
          ...header,
          structuredDataId: config.structuredDataId,
          schema: config.schema,
        })
    // CEF and LEEF go right after the header with nil structured data and no BOM: SIEM parsers
    // look for `CEF:` / `LEEF:` at the start of MSG (export-formats.md §2, "over syslog").
    case 'cef':
      return (record) => `${syslogHeader(record, header)} - ${cefLine(record, { version })}`
    case 'leef':
      return (record) => `${syslogHeader(record, header)} - ${leefLine(record, { version })}`
  }
}

/**
 * A syslog receiver over TCP or TLS (rsyslog, syslog-ng, a SIEM's collector): each record one
 * message, a batch one write on a persistent connection. `send` resolves once the batch's bytes
 * were written; a failed write rejects, the runner retries with backoff and the next send
 * reconnects and sends the whole batch again (repeats carry the same event id).
 */
export function createSyslogSink(options: SyslogSinkOptions): Sink {
  const { config } = options
  const url = new URL(config.url)
  const format = syslogFormatter(config, config.hostname ?? os.hostname(), mcpAuditVersion())
  const connection = createSyslogConnection(
    {
      protocol: url.protocol === 'tls:' ? 'tls' : 'tcp',
      host: url.hostname,
      port: Number(url.port),
      tls: loadSinkTls(config.name, config.tls),
      allowList: options.allowList,
      ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      writeTimeoutMs: options.writeTimeoutMs ?? 30_000,
    },
    options.logger.child({ component: 'syslog-sink', sink: config.name }),
  )
  return {
    name: config.name,
    type: config.type,
    async send(records) {
      // A syslog sink takes events only (its config has no `records`, so the runner reads no other
      // kind): CEF and LEEF have no mapping for alerts and reports yet.
      const events = records.filter((record): record is ExportEvent => record.kind === 'event')
      if (events.length === 0) return
      await connection.write(Buffer.concat(events.map((record) => frame(format(record), config.framing))))
    },
    close: () => connection.close(),
  }
}
