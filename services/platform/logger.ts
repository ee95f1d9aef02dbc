import pino, { type Logger } from 'pino'

export type { Logger }

/** Paths whose values never reach a log line: credentials and the clear text we redact downstream. */
export const REDACTED_LOG_PATHS = [
  'authorization',
  'token',
  'password',
  'secret',
  '*.authorization',
  '*.token',
  '*.password',
  '*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'config.clickhouse.password',
  'config.pseudonymization.key',
  'config.clickhouse.encryptionKey',
  'config.kafka.sasl.password',
  'config.kafka.ssl.key',
  'config.kafka.ssl.passphrase',
]

export interface LoggerOptions {
  level?: string
  /** Pretty output only for a person at a terminal; JSON otherwise (files, CI, collectors). */
  pretty?: boolean
  destination?: pino.DestinationStream
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY === true && !process.env.CI)
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'mcp-audit' },
    redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }
  if (options.destination) return pino(base, options.destination)
  if (pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    })
  }
  return pino(base)
}
