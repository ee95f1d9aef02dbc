import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { embeddedStorePath } from '../../services/platform/clickhouse.js'
import { runCli, spawnCli } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-cli-'))
const env = { MCP_AUDIT_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: 'mcp_audit_test_cli' }

afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('mcp-audit CLI', () => {
  it('prints help that lists the commands', () => {
    const result = runCli(['--help'], env)
    expect(result.status).toBe(0)
    for (const command of ['start', 'migrate', 'query']) expect(result.stdout).toContain(command)
  })

  it('migrates idempotently', () => {
    const first = runCli(['migrate'], env)
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    expect(first.stdout).toMatch(/applied \d+ migration\(s\) to mcp_audit_test_cli/)
    const second = runCli(['migrate'], env)
    expect(second.status).toBe(0)
    expect(second.stdout).toContain('mcp_audit_test_cli is up to date')
  })

  it('prints one JSON object per row, with bound parameters', () => {
    const result = runCli(
      ['query', 'SELECT number AS n, {who:String} AS who FROM numbers(3)', '-p', 'who=alice'],
      env,
    )
    expect(result.status).toBe(0)
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { n: 0, who: 'alice' },
      { n: 1, who: 'alice' },
      { n: 2, who: 'alice' },
    ])
  })

  it('refuses writes and DDL', () => {
    const result = runCli(['query', 'DROP TABLE mcp_audit_test_cli.audit_events'], env)
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/read-only/i)
    const still = runCli(['query', 'EXISTS TABLE mcp_audit_test_cli.audit_events'], env)
    expect(still.stdout.trim()).toBe('{"result":1}')
  })

  it('says clearly when another process holds the embedded store', async () => {
    const holder = spawnCli(['query', 'SELECT sleep(3)'], env)
    // The embedded engine writes its holder's pid into the status file once it has the lock.
    const statusFile = path.join(embeddedStorePath(dataDir), 'status')
    await waitFor(() => (existsSync(statusFile) ? readFileSync(statusFile, 'utf8') : ''), {
      description: `pid ${holder.pid} in ${statusFile}`,
      timeoutMs: 10_000,
      until: (status) => status.includes(`PID: ${holder.pid}\n`),
    })
    const result = runCli(['query', 'SELECT 1'], env)
    holder.kill('SIGKILL')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('another process holds it')
    expect(result.stderr).toContain('CLICKHOUSE_URL')
  })

  it('names the bad key when the config is invalid', () => {
    const file = path.join(dataDir, 'bad.yaml')
    writeFileSync(file, 'collector:\n  port: not-a-port\ntenants:\n  - id: Acme Corp\n')
    const result = runCli(['migrate'], { ...env, MCP_AUDIT_CONFIG: file })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('collector.port')
    expect(result.stderr).toContain('tenants.0.id')
  })

  // Every command that reads the config, with arguments that would otherwise let it run.
  const configCommands = [
    ['start'],
    ['collector'],
    ['normalizer'],
    ['detector'],
    ['console'],
    ['reporter'],
    ['migrate'],
    ['query', 'SELECT 1'],
    ['report', '--tenant', 'acme', '--period', 'last-day'],
    ['report', 'verify', path.join(dataDir, 'missing.pdf')],
    ['dlq', 'replay', '--dry-run'],
    ['simulate', '--rate', '1', '--duration', '1', '--out', path.join(dataDir, 'sim.ndjson')],
  ]

  it.each(configCommands.map((args) => [args.slice(0, 2).join(' '), args]))(
    '%s exits 2 on a bad cron expression, naming the key',
    (_name, args) => {
      const file = path.join(dataDir, 'bad-cron.yaml')
      writeFileSync(
        file,
        'tenants:\n  - id: acme\nreports:\n  - { name: weekly, tenant: acme, schedule: "0 6 * * 8" }\n',
      )
      const result = runCli(args, { ...env, MCP_AUDIT_CONFIG: file })
      expect(result.stderr).toContain('reports.0.schedule: must be a cron expression')
      expect(result.status).toBe(2)
    },
  )

  it('exits 2 on a removed key and names the key to use instead', () => {
    const file = path.join(dataDir, 'retired.yaml')
    writeFileSync(file, 'redaction:\n  serviceAccounts: [svc-backup]\n')
    const result = runCli(['migrate'], { ...env, MCP_AUDIT_CONFIG: file })
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(
      /redaction\.serviceAccounts: this key was removed: move the list to pseudonymization\.serviceAccounts/,
    )
  })

  it('exits 2 when a server-mode command has no brokers, naming kafka.brokers', () => {
    const result = runCli(['collector'], env)
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('the collector needs Kafka: set kafka.brokers')
  })
})
