import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { packageRoot } from '../../services/platform/paths.js'
import { exportedMetricNames, metricsInExpr } from './metric-names.js'

const dir = path.join(packageRoot(), 'deploy', 'prometheus')
// .ci/run unpacks Debian's promtool into .cache/prometheus; a local install works as well.
const promtool = [
  path.join(packageRoot(), '.cache', 'prometheus', 'usr', 'bin', 'promtool'),
  '/usr/bin/promtool',
  '/usr/local/bin/promtool',
].find((candidate) => existsSync(candidate))

interface Rule {
  alert?: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}
const rules = parse(readFileSync(path.join(dir, 'rules', 'mcp-audit.rules.yml'), 'utf8')) as {
  groups: Array<{ name: string; rules: Rule[] }>
}
const config = parse(readFileSync(path.join(dir, 'prometheus.yml'), 'utf8')) as {
  rule_files: string[]
  scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>
}
const compose = parse(readFileSync(path.join(packageRoot(), 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, { volumes?: string[]; command?: string[] }>
}

describe('Prometheus scrape config and alert rules', () => {
  const alerts = rules.groups.flatMap((group) => group.rules)

  it('has the alerts operators need, each with severity, summary and a description', () => {
    const names = alerts.map((rule) => rule.alert)
    for (const required of [
      'HighErrorRate',
      'HighLatency',
      'SuspiciousActivity',
      'McpAuditConsumerLag',
      'McpAuditDlqGrowing',
      'McpAuditWebhookFailures',
      'McpAuditExportLagging',
    ]) {
      expect(names).toContain(required)
    }
    for (const rule of alerts) {
      expect(['info', 'warning', 'critical'], rule.alert).toContain(rule.labels?.severity)
      expect(rule.annotations?.summary, rule.alert).toBeTruthy()
      expect(rule.annotations?.description, rule.alert).toBeTruthy()
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/)
    }
  })

  it('only reads metrics that our services export', () => {
    const exported = exportedMetricNames()
    expect(exported).toContain('mcp_requests_total')
    expect(exported).toContain('mcp_request_duration_seconds_bucket')
    for (const rule of alerts) {
      const used = metricsInExpr(rule.expr)
      expect(used.length, rule.alert).toBeGreaterThan(0)
      for (const metric of used) expect(exported, `${rule.alert} reads ${metric}`).toContain(metric)
    }
    expect(metricsInExpr('sum(rate(mcp_not_a_metric_total[5m]))')).toEqual(['mcp_not_a_metric_total'])
  })

  it('scrapes every service of docker-compose.yml that serves /metrics, on its port', () => {
    const targets = config.scrape_configs.flatMap((job) => job.static_configs.flatMap((s) => s.targets))
    for (const [service, port] of [
      ['collector', 9463],
      ['normalizer', 9464],
      ['detector', 9465],
      ['console', 9466],
      ['exporter', 9467],
    ] as const) {
      expect(targets).toContain(`${service}:${port}`)
      expect(Object.keys(compose.services)).toContain(service)
    }
    // The collector's ingest port does not serve /metrics (they name tenants, servers and tools).
    expect(targets).not.toContain('collector:8080')
    expect(targets).not.toContain('console:8081')
    const prometheus = compose.services.prometheus
    expect(prometheus?.volumes).toContain(
      './deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    )
    expect(prometheus?.volumes).toContain('./deploy/prometheus/rules:/etc/prometheus/rules:ro')
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.rules.yml'])
  })

  it.runIf(process.env.CI)('has promtool to check with in CI', () => {
    expect(promtool, 'promtool: .ci/run unpacks it into .cache/prometheus').toBeDefined()
  })

  it.skipIf(!promtool)('passes promtool check config, check rules and the rule unit tests', () => {
    const run = (args: string[], cwd = dir) => spawnSync(promtool!, args, { cwd, encoding: 'utf8' })
    const checkConfig = run(['check', 'config', '--syntax-only', 'prometheus.yml'])
    expect(checkConfig.status, checkConfig.stderr + checkConfig.stdout).toBe(0)
    const checkRules = run(['check', 'rules', 'rules/mcp-audit.rules.yml'])
    expect(checkRules.status, checkRules.stderr + checkRules.stdout).toBe(0)
    const unit = run(['test', 'rules', 'mcp-audit.rules.test.yml'], path.join(dir, 'rules'))
    expect(unit.status, unit.stderr + unit.stdout).toBe(0)
  })
})
