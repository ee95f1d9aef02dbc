import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../../../services/platform/local-kafka.js'
import { packageRoot } from '../../../services/platform/paths.js'
import { waitFor } from '../wait.js'

/**
 * The real OpenTelemetry Collector (core OTLP receiver, contrib file exporter; built by
 * scripts/receivers/otelcol.sh) on a free loopback port, writing every OTLP request it takes to a
 * file as OTLP JSON, one request per line. With `tls`, its OTLP/HTTP endpoint serves that
 * certificate. `stop()` ends the process and removes its folder.
 */

export const OTELCOL_BINARY = path.join(packageRoot(), '.cache', 'receivers', 'otelcol', 'otelcol')

type OtlpValue = {
  stringValue?: string
  boolValue?: boolean
  intValue?: string | number
  doubleValue?: number
  arrayValue?: { values?: OtlpValue[] }
}
type OtlpKeyValue = { key: string; value: OtlpValue }

/** One log record as the collector wrote it, its attributes (and its resource's) as plain values. */
export interface ReceivedLogRecord {
  resource: Record<string, unknown>
  scope: { name?: string; version?: string }
  timeUnixNano?: string
  observedTimeUnixNano?: string
  severityNumber?: number
  severityText?: string
  eventName?: string
  traceId?: string
  body?: OtlpValue
  attributes: Record<string, unknown>
}

export interface OtelCollector {
  /** The collector's OTLP/HTTP base URL (`http://127.0.0.1:PORT` or `https://…`). */
  url: string
  dir: string
  /** Every log record written so far, in the order received. */
  records(): ReceivedLogRecord[]
  stop(): Promise<void>
}

function plain(value: OtlpValue | undefined): unknown {
  if (value === undefined) return undefined
  if (value.stringValue !== undefined) return value.stringValue
  if (value.boolValue !== undefined) return value.boolValue
  if (value.intValue !== undefined) return Number(value.intValue)
  if (value.doubleValue !== undefined) return value.doubleValue
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(plain)
  return undefined
}

const plainAttributes = (list: OtlpKeyValue[] | undefined) =>
  Object.fromEntries((list ?? []).map(({ key, value }) => [key, plain(value)]))

interface FileLine {
  resourceLogs?: Array<{
    resource?: { attributes?: OtlpKeyValue[] }
    scopeLogs?: Array<{
      scope?: { name?: string; version?: string }
      logRecords?: Array<
        Omit<ReceivedLogRecord, 'resource' | 'scope' | 'attributes'> & { attributes?: OtlpKeyValue[] }
      >
    }>
  }>
}

function readRecords(file: string): ReceivedLogRecord[] {
  if (!existsSync(file)) return []
  const lines = readFileSync(file, 'utf8').split('\n')
  // The exporter may be writing the last line right now: only complete lines count.
  lines.pop()
  return lines.flatMap((line) =>
    ((JSON.parse(line) as FileLine).resourceLogs ?? []).flatMap((resourceLogs) => {
      const resource = plainAttributes(resourceLogs.resource?.attributes)
      return (resourceLogs.scopeLogs ?? []).flatMap((scopeLogs) =>
        (scopeLogs.logRecords ?? []).map(({ attributes, ...record }) => ({
          ...record,
          resource,
          scope: { ...scopeLogs.scope },
          attributes: plainAttributes(attributes),
        })),
      )
    }),
  )
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })
}

export async function startOtelCollector(
  options: { tls?: { certFile: string; keyFile: string } } = {},
): Promise<OtelCollector> {
  if (!existsSync(OTELCOL_BINARY)) {
    throw new Error(`${OTELCOL_BINARY} is missing: build it with scripts/receivers/otelcol.sh`)
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-otelcol-'))
  const port = await freePort()
  const output = path.join(dir, 'logs.json')
  // JSON is YAML: the collector reads this file as its configuration.
  const config = {
    receivers: {
      otlp: {
        protocols: {
          http: {
            endpoint: `127.0.0.1:${port}`,
            ...(options.tls
              ? { tls: { cert_file: options.tls.certFile, key_file: options.tls.keyFile } }
              : {}),
          },
        },
      },
    },
    exporters: { file: { path: output, format: 'json', flush_interval: '100ms' } },
    service: {
      // No metrics endpoint of its own: it would take port 8888 and collide with a parallel run.
      telemetry: { metrics: { level: 'none' }, logs: { level: 'warn' } },
      pipelines: { logs: { receivers: ['otlp'], exporters: ['file'] } },
    },
  }
  const configFile = path.join(dir, 'config.yaml')
  writeFileSync(configFile, JSON.stringify(config, null, 2))
  const logFile = path.join(dir, 'otelcol.log')
  const log = openSync(logFile, 'a')
  const child = spawn(OTELCOL_BINARY, ['--config', configFile], { stdio: ['ignore', log, log] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const running = () => child.exitCode === null && child.signalCode === null

  const stop = async () => {
    if (running()) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    await waitFor(
      async () => {
        if (!running())
          throw new Error(`otelcol exited (${child.exitCode}): ${readFileSync(logFile, 'utf8')}`)
        return portOpen(port)
      },
      { description: `the OpenTelemetry Collector to listen on 127.0.0.1:${port}`, timeoutMs: 30_000 },
    )
  } catch (err) {
    await stop()
    throw err
  }
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    dir,
    records: () => readRecords(output),
    stop,
  }
}
