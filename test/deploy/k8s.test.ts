import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { ENV_OVERRIDES } from '../../services/platform/config.js'
import { placeholderSecretIssues } from '../../services/platform/placeholder-secrets.js'
import { AppConfig } from '../../schemas/config.js'
import { packageRoot } from '../../services/platform/paths.js'
import { parse } from 'yaml'

/** The Kubernetes manifests, parsed and checked for what a reviewer would look for. */

interface Container {
  name: string
  args?: string[]
  ports?: Array<{ name: string; containerPort: number }>
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  livenessProbe?: Record<string, unknown>
  readinessProbe?: Record<string, unknown>
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean }
}
interface Manifest {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string }
  spec?: Record<string, unknown>
  stringData?: Record<string, string>
}

const root = packageRoot()
const dir = path.join(root, 'deploy', 'k8s')
const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'))
const manifests: Manifest[] = files
  .filter((name) => name !== 'kustomization.yaml')
  .flatMap((name) =>
    parseAllDocuments(readFileSync(path.join(dir, name), 'utf8')).map((doc) => {
      expect(doc.errors, name).toEqual([])
      return doc.toJS() as Manifest
    }),
  )
const of = (kind: string) => manifests.filter((m) => m.kind === kind)
const deployments = of('Deployment') as Array<
  Manifest & {
    spec: {
      selector: { matchLabels: Record<string, string> }
      template: {
        metadata: { labels: Record<string, string> }
        spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean } }
      }
    }
  }
>
const services = of('Service') as Array<
  Manifest & {
    spec: {
      type: string
      selector: Record<string, string>
      ports: Array<{ port: number; targetPort: string | number }>
    }
  }
>
const policies = of('NetworkPolicy') as Array<
  Manifest & {
    spec: {
      podSelector: { matchLabels?: Record<string, string> }
      policyTypes: string[]
      ingress?: Array<{
        from?: Array<{ namespaceSelector?: { matchLabels?: Record<string, string> }; podSelector?: unknown }>
        ports?: Array<{ port: number }>
      }>
    }
  }
>

/** CLI commands registered in services/cli/commands (`.command('name')`). */
function cliCommands(): Set<string> {
  const commandsDir = path.join(root, 'services', 'cli', 'commands')
  const names = new Set<string>()
  for (const file of readdirSync(commandsDir).filter((name) => !name.endsWith('.test.ts'))) {
    for (const match of readFileSync(path.join(commandsDir, file), 'utf8').matchAll(/\.command\('([a-z-]+)/g))
      names.add(match[1]!)
  }
  return names
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('lists every manifest in the kustomization and keeps everything in the mcp-audit namespace', () => {
    const kustomization = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as {
      resources: string[]
    }
    expect([...kustomization.resources].sort()).toEqual(
      files.filter((f) => f !== 'kustomization.yaml').sort(),
    )
    for (const manifest of manifests.filter((m) => m.kind !== 'Namespace'))
      expect(manifest.metadata.namespace, `${manifest.kind}/${manifest.metadata.name}`).toBe('mcp-audit')
  })

  it('runs one Deployment per service with a CLI command, limits, probes and a locked-down container', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([
      'collector',
      'console',
      'detector',
      'exporter',
      'normalizer',
      'reporter',
    ])
    const commands = cliCommands()
    for (const deployment of deployments) {
      const name = deployment.metadata.name
      const { selector, template } = deployment.spec
      for (const [key, value] of Object.entries(selector.matchLabels))
        expect(template.metadata.labels[key], name).toBe(value)
      expect(template.spec.securityContext?.runAsNonRoot, name).toBe(true)
      for (const container of template.spec.containers) {
        expect(commands, `${name} runs ${container.args?.[0]}`).toContain(container.args?.[0])
        for (const kind of ['requests', 'limits'] as const) {
          expect(container.resources?.[kind]?.cpu, `${name} ${kind}.cpu`).toBeTruthy()
          expect(container.resources?.[kind]?.memory, `${name} ${kind}.memory`).toBeTruthy()
        }
        expect(container.livenessProbe, `${name} liveness`).toBeDefined()
        expect(container.readinessProbe, `${name} readiness`).toBeDefined()
        if (container.ports?.length) {
          expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz' } })
          expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz' } })
        }
        expect(container.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        })
      }
    }
  })

  it('sets only environment variables the config loader reads, and takes secrets from Secrets that have the keys', () => {
    const known = new Set([...ENV_OVERRIDES.map((o) => o.env), 'MCP_AUDIT_CONFIG'])
    const secrets = new Map(of('Secret').map((s) => [s.metadata.name, s.stringData ?? {}]))
    for (const deployment of deployments) {
      for (const container of deployment.spec.template.spec.containers) {
        for (const env of container.env ?? []) {
          expect(known, `${deployment.metadata.name}: ${env.name}`).toContain(env.name)
          const ref = env.valueFrom?.secretKeyRef
          if (ref)
            expect(Object.keys(secrets.get(ref.name) ?? {}), `${env.name} → ${ref.name}`).toContain(ref.key)
          if (/PASSWORD|KEY/.test(env.name)) expect(ref, `${env.name} must come from a Secret`).toBeDefined()
        }
      }
    }
    const config = parse(secrets.get('mcp-audit-config')!['mcp-audit.yaml']!) as unknown
    const parsed = AppConfig.safeParse(config)
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true)
    expect(parsed.data?.tenants.flatMap((t) => t.tokens.map((token) => token.scope)).sort()).toEqual([
      'admin',
      'ingest',
      'read',
    ])
    // Every secret in the example is a placeholder, refused at start until it is replaced.
    const values = secrets.get('mcp-audit-secrets')!
    const withSecrets = AppConfig.parse({
      ...(config as object),
      clickhouse: { password: values['clickhouse-password'] },
      pseudonymization: { key: values['pseudonymization-key'] },
      reporter: { signingKey: values['report-signing-key'] },
    })
    expect(
      placeholderSecretIssues(withSecrets)
        .map((issue) => issue.path.join('.'))
        .sort(),
    ).toEqual([
      'clickhouse.password',
      'pseudonymization.key',
      'reporter.signingKey',
      'tenants.0.tokens.0.sha256',
      'tenants.0.tokens.1.sha256',
      'tenants.0.tokens.2.sha256',
    ])
  })

  it('exposes the HTTP services as ClusterIP Services that select a Deployment and target a named port', () => {
    expect(services.map((s) => s.metadata.name).sort()).toEqual([
      'collector',
      'console',
      'detector',
      'exporter',
      'normalizer',
    ])
    for (const service of services) {
      expect(service.spec.type).toBe('ClusterIP')
      const target = deployments.find((d) =>
        Object.entries(service.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      )
      expect(target, service.metadata.name).toBeDefined()
      const ports = target!.spec.template.spec.containers.flatMap((c) => c.ports ?? [])
      for (const port of service.spec.ports) expect(ports.map((p) => p.name)).toContain(port.targetPort)
    }
  })

  it('denies ingress by default and lets only the gateway namespace reach the collector, Prometheus only its metrics port', () => {
    const denyAll = policies.find((p) => Object.keys(p.spec.podSelector).length === 0)
    expect(denyAll?.spec.policyTypes).toEqual(['Ingress'])
    expect(denyAll?.spec.ingress ?? []).toEqual([])

    const selecting = (name: string) =>
      policies.filter((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === name)
    const collector = selecting('collector').filter((p) => p.metadata.name === 'collector-from-gateways')
    expect(collector).toHaveLength(1)
    const rules = collector[0]!.spec.ingress ?? []
    const sources = rules.flatMap((rule) => rule.from ?? [])
    expect(sources).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mcp-gateway' } } },
    ])
    expect(rules.flatMap((rule) => rule.ports ?? []).map((p) => p.port)).toEqual([8080])
    // The only other policy for the collector admits the monitoring namespace to the metrics port.
    const others = policies.filter(
      (p) => p !== collector[0] && p !== denyAll && JSON.stringify(p.spec.podSelector).includes('collector'),
    )
    expect(others.map((p) => p.metadata.name)).toEqual(['collector-metrics-from-monitoring'])
    const metricsRules = others[0]!.spec.ingress ?? []
    expect(metricsRules.flatMap((rule) => rule.from ?? [])).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
    ])
    expect(metricsRules.flatMap((rule) => rule.ports ?? []).map((p) => p.port)).toEqual([9463])
    const deployment = deployments.find((d) => d.metadata.name === 'collector')!
    const ports = deployment.spec.template.spec.containers.flatMap((c) => c.ports ?? [])
    expect(ports.find((p) => p.name === 'metrics')?.containerPort).toBe(9463)
    const annotations = (deployment.spec.template as { metadata: { annotations?: Record<string, string> } })
      .metadata.annotations
    expect(annotations?.['prometheus.io/port']).toBe('9463')
  })
})
