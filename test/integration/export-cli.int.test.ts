import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'

/** `mcp-audit exporter` and `mcp-audit export replay`: bad configuration and arguments exit 2, naming what to fix. */

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-export-cli-'))
const env = { MCP_AUDIT_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: 'mcp_audit_test_export_cli' }
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function withConfig(name: string, yaml: string): Record<string, string> {
  const file = path.join(dataDir, name)
  writeFileSync(file, yaml)
  return { ...env, MCP_AUDIT_CONFIG: file, HEC_TOKEN: 'hec-secret-value-1234' }
}

const SOC =
  '{ name: soc, type: splunk-hec, url: "https://splunk.example:8088", token: "${HEC_TOKEN}", tenants: [acme] }'

describe('mcp-audit exporter and export replay', () => {
  it('refuses to run the exporter without sinks', () => {
    const result = runCli(['exporter'], withConfig('none.yaml', 'tenants: [{ id: acme }]\n'))
    expect(result.stderr).toContain('export.sinks is empty: configure at least one sink')
    expect(result.status).toBe(2)
  })

  it('refuses a sink without tenants in a multi-tenant configuration, naming the key and not the token', () => {
    const result = runCli(
      ['exporter'],
      withConfig(
        'multi.yaml',
        'tenants: [{ id: acme }, { id: globex }]\nexport:\n  sinks:\n    - { name: soc, type: splunk-hec, url: "https://splunk.example:8088", token: "${HEC_TOKEN}" }\n',
      ),
    )
    expect(result.stderr).toContain('export.sinks.0.tenants: this configuration has 2 tenants')
    expect(result.stderr + result.stdout).not.toContain('hec-secret-value-1234')
    expect(result.status).toBe(2)
  })

  it('exits 2 for an unknown sink or a time that is not ISO 8601', () => {
    const config = withConfig('soc.yaml', `tenants: [{ id: acme }]\nexport:\n  sinks:\n    - ${SOC}\n`)
    const unknown = runCli(
      [
        'export',
        'replay',
        '--sink',
        'siem',
        '--from',
        '2026-11-01T00:00:00Z',
        '--to',
        '2026-11-02T00:00:00Z',
      ],
      config,
    )
    expect(unknown.stderr).toContain('no sink named "siem" in export.sinks (configured: soc)')
    expect(unknown.status).toBe(2)
    const badTime = runCli(
      ['export', 'replay', '--sink', 'soc', '--from', 'yesterday', '--to', '2026-11-02'],
      config,
    )
    expect(badTime.stderr).toContain('"yesterday" is not an ISO 8601 time')
    expect(badTime.status).toBe(2)
  })
})
