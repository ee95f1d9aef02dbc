import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../../services/platform/local-kafka.js'
import { spawnCli } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-start-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Runs `mcp-audit start` on a fresh data dir until `marker` appears in its output. */
async function launch(name: string, args: string[], marker: string, timeoutMs: number) {
  const dir = path.join(dataDir, name)
  mkdirSync(dir, { recursive: true })
  const port = await freePort()
  const config = path.join(dir, 'mcp-audit.yaml')
  writeFileSync(
    config,
    `dataDir: ${dir}\nkafka:\n  localPort: ${port}\nclickhouse:\n  database: mcp_audit_test_start\ncollector:\n  port: 0\n  metricsPort: 0\n  host: 127.0.0.1\nconsole:\n  port: 0\n  metricsPort: 0\n  host: 127.0.0.1\n`,
  )
  const child = spawnCli(['start', ...args], { MCP_AUDIT_CONFIG: config })
  const output = { stdout: '', stderr: '' }
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  await waitFor(() => ({ exitCode: child.exitCode, stdoutTail: output.stdout.slice(-2_000) }), {
    description: `"${marker}" in the output of start (${name}), or its exit`,
    timeoutMs,
    intervalMs: 200,
    until: () => child.exitCode !== null || output.stdout.includes(marker),
  })
  return { dir, port, child, output, exited }
}

describe('mcp-audit start (all-in-one, embedded defaults)', () => {
  it('brings up its own Kafka broker and store, stays up, and stops cleanly on SIGINT', async () => {
    const { dir, port, child, output, exited } = await launch('plain', [], 'The store is empty', 90_000)
    const { stdout, stderr } = output
    expect(stderr).toBe('')
    // An empty store: start offers the demo and the simulator.
    expect(stdout).toContain('npm start -- --demo')
    expect(stdout).toContain(`127.0.0.1:${port} (local broker)`)
    expect(stdout).toContain('ingest token (dev): mcpa_dev_')
    const brokerPid = Number(readFileSync(path.join(dir, 'kafka', 'broker.pid'), 'utf8'))
    expect(processAlive(brokerPid)).toBe(true)

    const collectorUrl = /collector: +(http:\/\/\S+)/.exec(stdout)?.[1]
    const token = /ingest token \(dev\): (\S+)/.exec(stdout)?.[1]
    expect(collectorUrl).toBeDefined()
    const posted = await fetch(`${collectorUrl}/v1/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        timestamp: new Date().toISOString(),
        method: 'tools/call',
        server: { name: 'fs' },
        tool: 'read_file',
      }),
    })
    expect(posted.status).toBe(202)

    // Still up a moment later: start is a long-running process, not a one-shot. The pause is the
    // scenario (time passing with nothing to wait for), not synchronisation.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(child.exitCode).toBeNull()

    child.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(output.stdout).toContain('shutdown_finished')
    expect(processAlive(brokerPid)).toBe(false)
    expect(existsSync(path.join(dir, 'kafka', 'broker.pid'))).toBe(false)
  })

  it('--demo fills the store with a simulated day, fires alerts and generates a verified report', async () => {
    const { dir, child, output, exited } = await launch(
      'demo',
      ['--demo'],
      'sign in with the admin token above',
      150_000,
    )
    expect(output.stderr).toBe('')
    expect(output.stdout).toMatch(/demo: \d+ events accepted, \d+ stored; 11 attack scenarios/)
    const consoleUrl = /console: +(http:\/\/\S+)/.exec(output.stdout)?.[1]
    const admin = /admin token +\(dev\): (\S+)/.exec(output.stdout)?.[1]
    expect(consoleUrl).toBeDefined()
    const api = async <T>(route: string): Promise<T> => {
      const response = await fetch(`${consoleUrl}${route}`, { headers: { Authorization: `Bearer ${admin}` } })
      expect(response.status, route).toBe(200)
      return (await response.json()) as T
    }
    const accepted = Number(/demo: (\d+) events accepted/.exec(output.stdout)?.[1])
    const stored = Number(/accepted, (\d+) stored/.exec(output.stdout)?.[1])
    expect(accepted).toBeGreaterThan(3_000)
    expect(stored).toBe(accepted)

    const events = await api<{ events: unknown[] }>('/api/v1/events?limit=5')
    expect(events.events).toHaveLength(5)
    const { alerts } = await api<{ alerts: Array<{ rule_id: string }> }>('/api/v1/alerts')
    const rules = new Set(alerts.map((alert) => alert.rule_id))
    // The stream rules fire within seconds of ingest.
    for (const rule of ['mcp-path-traversal', 'mcp-command-injection', 'mcp-prompt-injection-in-result']) {
      expect(rules, rule).toContain(rule)
    }
    const { reports } = await api<{
      reports: Array<{ name: string; status: string; verification: { ok: boolean } }>
    }>('/api/v1/reports')
    expect(reports.map((report) => [report.name, report.status, report.verification.ok])).toContainEqual([
      'demo',
      'ready',
      true,
    ])

    // Two Ctrl-Cs in a row cut the ordered stop short, yet the broker does not outlive the process.
    const brokerPid = Number(readFileSync(path.join(dir, 'kafka', 'broker.pid'), 'utf8'))
    child.kill('SIGINT')
    await waitFor(() => output.stdout.includes('shutdown_started'), {
      description: 'shutdown_started after the first Ctrl-C',
      timeoutMs: 10_000,
      intervalMs: 20,
    })
    child.kill('SIGINT')
    expect(await exited).toBeNull()
    expect(child.signalCode).toBe('SIGKILL')
    await waitFor(() => !processAlive(brokerPid), {
      description: `the local broker (pid ${brokerPid}) to exit`,
      timeoutMs: 30_000,
      intervalMs: 200,
    })
    expect(processAlive(brokerPid)).toBe(false)
  })
})
