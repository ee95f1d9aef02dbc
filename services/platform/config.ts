import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import { AppConfig } from '../../schemas/config.js'
import { placeholderSecretIssues } from './placeholder-secrets.js'

export class ConfigError extends Error {
  readonly retryable = false
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(message)
    this.name = 'ConfigError'
  }
}

export interface LoadedConfig {
  config: AppConfig
  /** Where the file came from, or "defaults" when none was read. */
  source: string
}

const DEFAULT_FILE = 'mcp-audit.yaml'

/**
 * Environment variables that override file settings. One table, so the README and the code
 * cannot drift apart: each entry names the config key it sets.
 */
export const ENV_OVERRIDES: ReadonlyArray<{ env: string; key: string; list?: boolean }> = [
  { env: 'MCP_AUDIT_DATA_DIR', key: 'dataDir' },
  { env: 'LOG_LEVEL', key: 'logLevel' },
  { env: 'KAFKA_BROKERS', key: 'kafka.brokers', list: true },
  { env: 'CLICKHOUSE_URL', key: 'clickhouse.url' },
  { env: 'CLICKHOUSE_DATABASE', key: 'clickhouse.database' },
  { env: 'CLICKHOUSE_USER', key: 'clickhouse.username' },
  { env: 'CLICKHOUSE_PASSWORD', key: 'clickhouse.password' },
  { env: 'MCP_AUDIT_STORAGE_KEY', key: 'clickhouse.encryptionKey' },
  { env: 'KAFKA_SASL_PASSWORD', key: 'kafka.sasl.password' },
  { env: 'COLLECTOR_PORT', key: 'collector.port' },
  { env: 'CONSOLE_PORT', key: 'console.port' },
  { env: 'MCP_AUDIT_PSEUDONYMIZATION_KEY', key: 'pseudonymization.key' },
  { env: 'MCP_AUDIT_REPORT_SIGNING_KEY', key: 'reporter.signingKey' },
]

/**
 * Keys that once duplicated another key and were removed so that each setting has one key. A file
 * that still sets one stops the start with the key to use instead: silently ignoring it would, for
 * `redaction.serviceAccounts`, turn service accounts into pseudonyms without a word.
 */
export const RETIRED_KEYS: ReadonlyArray<{ key: string; instead: string }> = [
  {
    key: 'redaction.serviceAccounts',
    instead:
      'move the list to pseudonymization.serviceAccounts (the same entries, `svc-*` prefixes included)',
  },
  {
    key: 'redaction.maxExcerptBytes',
    instead:
      'stored excerpts are sized by normalizer.argumentsMaxBytes (default 16384) and normalizer.resultMaxBytes (default 8192); remove the key',
  },
]

type Env = Readonly<Record<string, string | undefined>>

/** Replaces `${NAME}` in string values with the environment's value; a missing variable is an error. */
function interpolate(value: unknown, env: Env, keyPath: string[], source: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
      const replacement = env[name]
      if (replacement === undefined) {
        throw new ConfigError(
          `${source}: ${keyPath.join('.') || '(root)'} refers to \${${name}}, which is not set in the environment; export ${name} or remove the reference`,
          source,
        )
      }
      return replacement
    })
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => interpolate(item, env, [...keyPath, String(index)], source))
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, env, [...keyPath, key], source)]),
    )
  }
  return value
}

function setPath(target: Record<string, unknown>, dottedKey: string, value: unknown): void {
  const keys = dottedKey.split('.')
  let node = target
  for (const key of keys.slice(0, -1)) {
    const next = node[key]
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {}
    node = node[key] as Record<string, unknown>
  }
  node[keys[keys.length - 1]!] = value
}

type Issue = Pick<z.core.$ZodIssue, 'path' | 'message'>

export function formatIssues(issues: readonly Issue[], source: string): string {
  const lines = issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join('.') : '(root)'
    return `  ${key}: ${issue.message}`
  })
  return `invalid configuration in ${source}:\n${lines.join('\n')}`
}

function hasPath(target: unknown, dottedKey: string): boolean {
  let node = target
  for (const key of dottedKey.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return false
    node = (node as Record<string, unknown>)[key]
  }
  return true
}

function retiredKeyIssues(raw: unknown): Issue[] {
  return RETIRED_KEYS.filter(({ key }) => hasPath(raw, key)).map(({ key, instead }) => ({
    path: key.split('.'),
    message: `this key was removed: ${instead}`,
  }))
}

/** Validates a raw (already interpolated) object with env overrides applied. */
export function parseConfig(raw: unknown, env: Env = {}, source = 'inline'): AppConfig {
  const base: Record<string, unknown> =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw)
      ? { ...(raw as Record<string, unknown>) }
      : {}
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(
      `${source}: the top level must be a mapping of keys (see DESIGN.md "Configuration")`,
      source,
    )
  }
  const merged = interpolate(base, env, [], source) as Record<string, unknown>
  for (const override of ENV_OVERRIDES) {
    const value = env[override.env]
    if (value === undefined || value === '') continue
    setPath(
      merged,
      override.key,
      override.list
        ? value
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean)
        : value,
    )
  }
  const retired = retiredKeyIssues(merged)
  const result = AppConfig.safeParse(merged)
  const issues = [
    ...retired,
    ...(result.success ? placeholderSecretIssues(result.data) : result.error.issues),
  ]
  if (issues.length > 0 || !result.success) throw new ConfigError(formatIssues(issues, source), source)
  return result.data
}

/**
 * The brokers of a command that runs one service on its own (server mode): only `start` runs a local
 * Kafka, so without `kafka.brokers` the command cannot start, and says so as a config error.
 */
export function requireBrokers(config: AppConfig, what: string): string[] {
  const brokers = config.kafka.brokers ?? []
  if (brokers.length === 0) {
    throw new ConfigError(
      `${what} needs Kafka: set kafka.brokers (or KAFKA_BROKERS), or use \`mcp-audit start\``,
      'kafka.brokers',
    )
  }
  return brokers
}

/** Reads `MCP_AUDIT_CONFIG` (or `./mcp-audit.yaml` when present), applies env overrides, validates. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): LoadedConfig {
  const explicit = env.MCP_AUDIT_CONFIG
  const file = explicit ? path.resolve(cwd, explicit) : path.resolve(cwd, DEFAULT_FILE)
  if (explicit && !existsSync(file)) {
    throw new ConfigError(`MCP_AUDIT_CONFIG points at ${file}, which does not exist`, file)
  }
  if (!existsSync(file)) return { config: parseConfig({}, env, 'defaults'), source: 'defaults' }

  let raw: unknown
  try {
    raw = parseYaml(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new ConfigError(`${file} is not valid YAML: ${(err as Error).message}`, file)
  }
  const config = parseConfig(raw, env, file)
  // Relative paths in the file are relative to the file, not to wherever the process started.
  if (!path.isAbsolute(config.dataDir) && !env.MCP_AUDIT_DATA_DIR) {
    config.dataDir = path.resolve(path.dirname(file), config.dataDir)
  }
  return { config, source: file }
}
