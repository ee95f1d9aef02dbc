import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'

/** A webhook that cannot work stops the start as a configuration error, naming its key (exit 2). */

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-webhook-config-'))
const env = { MCP_AUDIT_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: 'mcp_audit_test_webhook_config' }

afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function withConfig(name: string, yaml: string): Record<string, string> {
  const file = path.join(dataDir, name)
  writeFileSync(file, yaml)
  return { ...env, MCP_AUDIT_CONFIG: file }
}

describe('webhook configuration at start', () => {
  it('refuses a non-http webhook and a bad allow-list entry before any service starts', () => {
    const result = runCli(
      ['detector'],
      withConfig(
        'bad-url.yaml',
        [
          'alerts:',
          '  allowPrivateNetworks: [10.0.0.0/33]',
          '  webhooks:',
          '    - { name: sec, url: "https://hooks.example.com/in" }',
          '    - { name: ops, url: "ftp://hooks.example.com/in" }',
        ].join('\n'),
      ),
    )
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('alerts.webhooks.1.url: must be an http or https URL')
    expect(result.stderr).toContain('alerts.allowPrivateNetworks.0')
  })

  it('refuses two webhooks of one name and a malformed Standard Webhooks secret', () => {
    const duplicate = runCli(
      ['reporter'],
      withConfig(
        'duplicate.yaml',
        [
          'alerts:',
          '  webhooks:',
          '    - { name: sec, url: "https://a.example.com/in" }',
          '    - { name: sec, url: "https://b.example.com/in", format: slack }',
        ].join('\n'),
      ),
    )
    expect(duplicate.status).toBe(2)
    expect(duplicate.stderr).toContain('alerts.webhooks.1.name: "sec" is used twice')

    const secret = runCli(
      ['detector'],
      withConfig(
        'secret.yaml',
        'alerts:\n  webhooks:\n    - { name: sec, url: "https://a.example.com/in", secret: whsec_short }\n',
      ),
    )
    expect(secret.status).toBe(2)
    expect(secret.stderr).toContain('alerts.webhooks.0.secret: a Standard Webhooks secret')
  })

  it('refuses a webhook without tenants when the configuration has several tenants', () => {
    const result = runCli(
      ['detector'],
      withConfig(
        'tenants.yaml',
        [
          'tenants: [{ id: acme }, { id: globex }]',
          'alerts:',
          '  webhooks:',
          '    - { name: sec, url: "https://a.example.com/in", tenants: [acme] }',
          '    - { name: ops, url: "https://b.example.com/in", format: slack }',
        ].join('\n'),
      ),
    )
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('alerts.webhooks.1.tenants: this configuration has 2 tenants')
    expect(result.stderr).not.toContain('alerts.webhooks.0')
  })
})
