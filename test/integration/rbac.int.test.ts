import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { DEFAULT_ROLES } from '../../schemas/rbac.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import type { AccessFacts } from '../../services/reporter/access.js'
import { createReports, loadSigningKey } from '../../services/reporter/index.js'
import { post, startTestCollector, type TestCollector } from '../helpers/collector.js'
import { startTestRuntime, TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const noAudit = { record: () => undefined, flush: () => Promise.resolve(), stop: () => Promise.resolve() }
const HOUR_START = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000

/** The tenant's map: the seed's roles, an auditor, and read_* tools that plain users may call. */
const RBAC = { roles: { ...DEFAULT_ROLES, auditor: ['read'] }, tools: { read: ['read_*'] } }

function call(
  requestId: string,
  user: { id: string; roles?: string[] },
  tool: string,
  status: 'success' | 'denied' = 'success',
) {
  return {
    timestamp: new Date(HOUR_START + Number(requestId.replace(/\D/g, '') || 0) * 1_000).toISOString(),
    method: 'tools/call',
    server: { name: 'github' },
    tool,
    request_id: requestId,
    user,
    arguments: { repo: 'acme/payments' },
    status,
  }
}

const EVENTS = [
  // alice is a developer: read and execute, not write.
  call('r1', { id: 'alice', roles: ['mcp-developer'] }, 'search_code'),
  call('r2', { id: 'alice', roles: ['mcp-developer'] }, 'delete_branch'),
  call('r3', { id: 'alice', roles: ['mcp-developer'] }, 'delete_branch'),
  // carol's write was denied by the gateway: no misuse, only a denial.
  call('r4', { id: 'carol', roles: ['mcp-user'] }, 'create_issue', 'denied'),
  // A read_* tool is read for this tenant: a plain user may call it.
  call('r5', { id: 'carol', roles: ['mcp-user'] }, 'read_file'),
  call('r6', { id: 'bob', roles: ['mcp-admin'] }, 'grant_access'),
  // dave's gateway sent no roles: unknown, a separate low signal for his write.
  call('r7', { id: 'dave' }, 'push_files'),
]

interface Alert {
  rule_id: string
  severity: string
  group_values: Record<string, string>
  count: number
}

describe('RBAC: collector → Kafka → normalizer → privilege rules → report', () => {
  let store: TestStore
  let collector: TestCollector
  let config: AppConfig
  const lifecycle = new Lifecycle(logger)

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    collector = await startTestCollector(brokers)
    config = AppConfig.parse({
      ...collector.config,
      dataDir: store.dataDir,
      clickhouse: { database: store.database },
      pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
      normalizer: { consumerGroup: `rbac-${collector.topics.raw}`, workers: 0, batchMaxWaitMs: 200 },
      tenants: collector.config.tenants.map((tenant) =>
        tenant.id === 'acme' ? { ...tenant, frameworks: ['pci-dss', 'soc2'], rbac: RBAC } : tenant,
      ),
    })
    await startTestRuntime(config, store, { services: ['normalizer'] }, lifecycle)
  })
  afterAll(async () => {
    await lifecycle.stop('test')
    await collector?.stop()
    await store?.dispose()
  })

  it('fires privilege misuse for a role calling a tool beyond its permissions, and shows it in the report', async () => {
    const sent = await post(`${collector.url}/v1/events`, JSON.stringify(EVENTS))
    expect(sent.status).toBe(202)
    await waitForCount(store, `SELECT count() AS n FROM ${store.database}.audit_events`, EVENTS.length)
    const stored = await queryRows<{ request_id: string; user_id: string; user_roles: string[] }>(
      store,
      `SELECT request_id, user_id, user_roles FROM ${store.database}.audit_events ORDER BY request_id`,
    )
    const pseudonym = (requestId: string) => stored.find((row) => row.request_id === requestId)!.user_id
    expect(pseudonym('r2')).not.toBe('alice')
    expect(stored.find((row) => row.request_id === 'r2')!.user_roles).toEqual(['mcp-developer'])

    const alerts = await waitFor(
      () =>
        queryRows<Alert>(
          store,
          `SELECT rule_id, toString(severity) AS severity, group_values, count
           FROM ${store.database}.alerts FINAL WHERE rule_id LIKE 'mcp-audit-%' ORDER BY rule_id`,
        ),
      { description: 'the privilege alerts', until: (rows) => rows.length >= 2 && rows[0]!.count >= 2 },
    )
    expect(alerts).toEqual([
      {
        rule_id: 'mcp-audit-privilege-misuse',
        severity: 'high',
        group_values: {
          tenant_id: 'acme',
          user_id: pseudonym('r2'),
          user_roles: '["mcp-developer"]',
          method: 'tools/call',
          tool: 'delete_branch',
          required_permission: 'write',
        },
        count: 2,
      },
      {
        rule_id: 'mcp-audit-unmapped-role',
        severity: 'low',
        group_values: {
          tenant_id: 'acme',
          gateway: 'gw-eu-1',
          user_roles: '[]',
          required_permission: 'write',
        },
        count: 1,
      },
    ])

    const reports = createReports({
      config,
      store,
      logger,
      selfAudit: noAudit,
      signingKey: loadSigningKey(config, logger),
    })
    const record = await reports.generate({
      tenantId: 'acme',
      from: new Date(HOUR_START),
      to: new Date(HOUR_START + 3_600_000),
      formats: ['pdf', 'html', 'csv', 'json'],
      requestedBy: 'auditor',
    })
    expect(record.status).toBe('ready')
    const dir = path.dirname((await reports.file('acme', record.report_id, 'json'))!.path)
    const json = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as {
      access: AccessFacts
      checks: Array<{ id: string; status: string; summary: string; evidence: string[] }>
      frameworks: Array<{ framework: string; controls: Array<{ id: string; status: string }> }>
    }
    const { access } = json
    expect(access).toMatchObject({ calls: 7, withoutKnownRole: 1, notPermitted: 2 })
    expect(access.roles.map((r) => [r.role, r.calls, r.denied, r.notPermitted])).toEqual([
      ['mcp-developer', 3, 0, 2],
      ['mcp-user', 2, 1, 0],
      ['(no role)', 1, 0, 0],
      ['mcp-admin', 1, 0, 0],
    ])
    expect(access.misuse.map((a) => [a.user, a.tool, a.permission, a.succeeded])).toEqual([
      [pseudonym('r2'), 'delete_branch', 'write', 2],
    ])
    expect(access.privileged.map((a) => [a.user, a.tool, a.permission, a.calls, a.verdict]).sort()).toEqual(
      [
        [pseudonym('r2'), 'delete_branch', 'write', 2, 'not_permitted'],
        // Beyond carol's roles, but denied: listed, and no misuse.
        [pseudonym('r4'), 'create_issue', 'write', 1, 'not_permitted'],
        [pseudonym('r6'), 'grant_access', 'admin', 1, 'permitted'],
        [pseudonym('r7'), 'push_files', 'write', 1, 'unknown'],
      ].sort(),
    )
    const check = json.checks.find((c) => c.id === 'access-control')!
    expect(check.status).toBe('fail')
    expect(check.evidence[0]).toContain(
      `${pseudonym('r2')} (roles mcp-developer): tools/call delete_branch needs write`,
    )
    const pci = json.frameworks.find((f) => f.framework === 'pci-dss')!
    expect(pci.controls.find((c) => c.id === '7.2')!.status).toBe('fail')

    const misuseCsv = readFileSync(path.join(dir, 'access-misuse.csv'), 'utf8')
    expect(misuseCsv).toContain(`${pseudonym('r2')},mcp-developer,delete_branch,write,2,0,NO`)
    expect(readFileSync(path.join(dir, 'access-by-role.csv'), 'utf8')).toContain(
      'mcp-developer,"read, execute",3,0,0,2',
    )
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8')
    expect(html).toContain('Access control (RBAC)')
    expect(html).toContain('Privileged actions (write and admin) by user')
    const pdf = execFileSync('pdftotext', ['-raw', path.join(dir, 'report.pdf'), '-'], { encoding: 'utf8' })
    expect(pdf).toContain('Access control (RBAC)')
    expect(pdf).toContain(pseudonym('r2'))
    // No clear user id anywhere in the files.
    for (const [file, text] of [
      ['report.pdf', pdf],
      ...['report.html', 'report.json', 'access-privileged.csv', 'access-misuse.csv'].map((name) => [
        name,
        readFileSync(path.join(dir, name), 'utf8'),
      ]),
    ]) {
      for (const name of ['alice', 'bob', 'carol', 'dave'])
        expect(text, `${file} names ${name}`).not.toContain(name)
    }
  })
})
