import { createHash, randomBytes } from 'node:crypto'
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

/** The variables compose requires (`${NAME:?message}`): it refuses to start without them. */
const REQUIRED_VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*):\?[^}]*\}/g

/** A value of one's own for each required variable, as an operator would set in `.env`. */
const operatorEnv = new Map<string, string>()
function operatorValue(name: string): string {
  if (!operatorEnv.has(name)) {
    const secret = randomBytes(32).toString('base64')
    operatorEnv.set(
      name,
      name.endsWith('_SHA256') ? createHash('sha256').update(secret).digest('hex') : secret,
    )
  }
  return operatorEnv.get(name)!
}

/** A service's environment as compose would pass it, with the operator's values filled in. */
function resolvedEnvironment(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [
      key,
      String(value).replace(REQUIRED_VARIABLE, (_match, name: string) => operatorValue(name)),
    ]),
  )
}

/** `${NAME}` references in a config file: the loader reads them from the environment. */
function configVariables(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!)
}

/** The text of each `<tag>…</tag>` directly inside `xml` (enough for the small files we ship). */
function xmlChild(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1]
}

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
    for (const [name, service] of ownServices) {
      const mount = service.volumes?.find((v) => v.endsWith(':/etc/mcp-audit/mcp-audit.yaml:ro'))
      expect(mount, name).toBeDefined()
      const hostFile = path.resolve(root, mount!.split(':')[0]!)
      expect(existsSync(hostFile), hostFile).toBe(true)
      const known = new Set([
        ...ENV_OVERRIDES.map((o) => o.env),
        'MCP_AUDIT_CONFIG',
        ...configVariables(hostFile),
      ])
      for (const key of Object.keys(service.environment ?? {}))
        expect(known, `${name}: ${key}`).toContain(key)
      const { config } = loadConfig({ ...resolvedEnvironment(service), MCP_AUDIT_CONFIG: hostFile })
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
    const { config } = loadConfig({
      ...resolvedEnvironment(consoleService!),
      MCP_AUDIT_CONFIG: path.resolve(root, mount.split(':')[0]!),
    })
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

describe('docker-compose.yml ships no secret and exposes no store', () => {
  it('requires every secret from the operator instead of defaulting to a placeholder', () => {
    const text = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')
    expect(text).not.toMatch(/\$\{[^}]*:-/)
    for (const [name, service] of services) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|KEY|SHA256|TOKEN|SECRET/.test(key))
          expect(String(value), `${name}: ${key}`).toMatch(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/)
      }
    }
  })

  it('binds ClickHouse to this host only', () => {
    const ports = compose.services.clickhouse?.ports ?? []
    expect(ports.length).toBeGreaterThan(0)
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/)
  })

  it('gives Grafana a read-only ClickHouse user that can only SELECT from mcp_audit', () => {
    const clickhouse = compose.services.clickhouse!
    const grafana = compose.services.grafana!
    const usersMount = clickhouse.volumes?.find((v) => v.includes(':/etc/clickhouse-server/users.d/'))
    expect(usersMount).toBeDefined()
    const users = readFileSync(path.resolve(root, usersMount!.split(':')[0]!), 'utf8')
    const user = String(grafana.environment?.CLICKHOUSE_USER)
    expect(user).not.toBe(clickhouse.environment?.CLICKHOUSE_USER)
    const definition = xmlChild(xmlChild(users, 'users') ?? '', user)
    expect(definition, `users.d defines ${user}`).toBeDefined()
    const profileName = xmlChild(definition!, 'profile')!
    const profile = xmlChild(xmlChild(users, 'profiles') ?? '', profileName)
    expect(profile, `users.d defines profile ${profileName}`).toBeDefined()
    expect(xmlChild(profile!, 'readonly')).toBe('1')
    // Only the query timeout the plugin sets may change in readonly mode, never readonly itself.
    const constraints = xmlChild(profile!, 'constraints') ?? ''
    expect(
      [...constraints.matchAll(/<([a-z_]+)>\s*(?:<max>\d+<\/max>\s*)?<changeable_in_readonly\/>/g)].map(
        (m) => m[1],
      ),
    ).toEqual(['max_execution_time'])
    expect(xmlChild(definition!, 'access_management')).toBe('0')
    const grants = [...(xmlChild(definition!, 'grants') ?? '').matchAll(/<query>([^<]*)<\/query>/g)].map(
      (m) => m[1],
    )
    expect(grants).toEqual(['GRANT SELECT ON mcp_audit.*'])
    // The password comes from the server's environment, the same variable Grafana is given.
    const passwordVariable = /<password from_env="([A-Z_]+)"\s*\/>/.exec(definition!)?.[1]
    expect(passwordVariable).toBeDefined()
    expect(String(clickhouse.environment?.[passwordVariable!])).toContain(`\${${passwordVariable}:?`)
    expect(String(grafana.environment?.CLICKHOUSE_PASSWORD)).toContain(`\${${passwordVariable}:?`)
    const configMount = clickhouse.volumes?.find((v) => v.includes(':/etc/clickhouse-server/config.d/'))
    const serverConfig = readFileSync(path.resolve(root, configMount!.split(':')[0]!), 'utf8')
    expect(xmlChild(serverConfig, 'settings_constraints_replace_previous')).toBe('true')
  })

  it("refuses the examples' placeholders at start with exit code 2, naming the key", () => {
    const mount = compose.services.migrate!.volumes!.find((v) =>
      v.endsWith(':/etc/mcp-audit/mcp-audit.yaml:ro'),
    )!
    const result = runCli(['migrate'], {
      ...resolvedEnvironment(compose.services.migrate!),
      MCP_AUDIT_CONFIG: path.resolve(root, mount.split(':')[0]!),
      CLICKHOUSE_URL: 'http://127.0.0.1:1',
      MCP_AUDIT_PSEUDONYMIZATION_KEY: 'change-me-to-32-random-characters',
    })
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/pseudonymization\.key: is a placeholder/)
    expect(result.stderr).not.toContain('change-me')
  })
})
