import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ENV_OVERRIDES, loadConfig } from '../services/platform/config.js'
import { KAFKA_VERSION } from '../services/platform/local-kafka.js'
import { packageRoot } from '../services/platform/paths.js'
import { runCli } from './helpers/cli.js'

interface ComposeService {
  image?: string
  build?: string
  command?: string[]
  environment?: Record<string, string | number>
  ports?: string[]
  volumes?: string[]
  depends_on?: Record<string, unknown>
}

const root = packageRoot()
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>
  volumes?: Record<string, unknown>
}
const services = Object.entries(compose.services)
const ownServices = services.filter(([, service]) => service.build !== undefined)

/** Commands the built CLI lists in its help. */
function cliCommands(): string[] {
  const help = runCli(['--help'], {}).stdout
  const section = help.split('Commands:')[1] ?? ''
  return [...section.matchAll(/^ {2}(\S+)/gm)].map((match) => match[1]!)
}

describe('docker-compose.yml', () => {
  it('pins every third-party image and runs Kafka at the version the local broker uses', () => {
    for (const [name, service] of services.filter(([, s]) => s.image)) {
      expect(service.image, name).toMatch(/^[\w./-]+:[\w.-]+$/)
      expect(service.image, name).not.toMatch(/:latest$/)
    }
    expect(compose.services.kafka?.image).toBe(`apache/kafka:${KAFKA_VERSION}`)
  })

  it('builds our services from the Dockerfile and runs CLI commands that exist', () => {
    expect(existsSync(path.join(root, 'Dockerfile'))).toBe(true)
    expect(ownServices.length).toBeGreaterThan(0)
    const commands = cliCommands()
    expect(commands).toContain('migrate')
    for (const [name, service] of ownServices) {
      expect(service.build, name).toBe('.')
      expect(commands, `${name} runs "${service.command?.[0]}"`).toContain(service.command?.[0])
    }
  })

  it('sets only environment variables that the config loader reads, with a config file that validates', () => {
    const known = new Set([...ENV_OVERRIDES.map((o) => o.env), 'MCP_AUDIT_CONFIG'])
    for (const [name, service] of ownServices) {
      for (const key of Object.keys(service.environment ?? {}))
        expect(known, `${name}: ${key}`).toContain(key)
      const mount = service.volumes?.find((v) => v.endsWith(':/etc/mcp-audit/mcp-audit.yaml:ro'))
      expect(mount, name).toBeDefined()
      const hostFile = path.resolve(root, mount!.split(':')[0]!)
      expect(existsSync(hostFile), hostFile).toBe(true)
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [
          k,
          String(v).replace(/\$\{[^:}]+:-([^}]*)\}/, '$1'),
        ]),
      )
      const { config } = loadConfig({ ...env, MCP_AUDIT_CONFIG: hostFile })
      expect(config.clickhouse.url).toBe('http://clickhouse:8123')
      expect(config.kafka.brokers).toEqual(['kafka:9092'])
    }
  })

  it('uses declared volumes, existing dependencies and distinct host ports', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}))
    const hostPorts: string[] = []
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!
        if (source.startsWith('.') || source.startsWith('/'))
          expect(existsSync(path.resolve(root, source)), volume).toBe(true)
        else expect(declared, `${name}: ${volume}`).toContain(source)
      }
      for (const dependency of Object.keys(service.depends_on ?? {}))
        expect(Object.keys(compose.services)).toContain(dependency)
      hostPorts.push(...(service.ports ?? []).map((p) => p.split(':')[0]!))
    }
    expect(new Set(hostPorts).size).toBe(hostPorts.length)
  })
})

describe('docker-compose.yml observability and console', () => {
  it('runs the console with a token that can sign in, and Prometheus and Grafana provisioned from the repository', () => {
    const consoleService = compose.services.console
    expect(consoleService?.command).toEqual(['console'])
    expect(consoleService?.ports).toContain('8081:8081')
    const mount = consoleService!.volumes!.find((v) => v.endsWith(':/etc/mcp-audit/mcp-audit.yaml:ro'))!
    const { config } = loadConfig({ MCP_AUDIT_CONFIG: path.resolve(root, mount.split(':')[0]!) })
    expect(
      config.tenants.flatMap((t) => t.tokens).some((t) => t.scope === 'admin' || t.scope === 'read'),
    ).toBe(true)

    const grafana = compose.services.grafana
    expect(grafana?.environment?.GF_INSTALL_PLUGINS).toContain('grafana-clickhouse-datasource')
    expect(grafana?.volumes).toContain('./dashboards/provisioning:/etc/grafana/provisioning:ro')
    expect(grafana?.volumes).toContain('./dashboards:/var/lib/grafana/dashboards/mcp-audit:ro')
    const datasources = parse(
      readFileSync(path.join(root, 'dashboards/provisioning/datasources/mcp-audit.yaml'), 'utf8'),
    ) as { datasources: Array<{ type: string; uid: string; url?: string; jsonData?: { host?: string } }> }
    expect(datasources.datasources.map((d) => d.type).sort()).toEqual([
      'grafana-clickhouse-datasource',
      'prometheus',
    ])
    expect(datasources.datasources.find((d) => d.type === 'prometheus')?.url).toBe('http://prometheus:9090')
    expect(datasources.datasources.find((d) => d.uid === 'clickhouse')?.jsonData?.host).toBe('clickhouse')
    const providers = parse(
      readFileSync(path.join(root, 'dashboards/provisioning/dashboards/mcp-audit.yaml'), 'utf8'),
    ) as { providers: Array<{ options: { path: string } }> }
    expect(providers.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards/mcp-audit')
    expect(compose.services.prometheus?.image).toMatch(/^prom\/prometheus:v\d/)
  })
})
