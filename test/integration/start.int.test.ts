import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../../services/platform/local-kafka.js'
import { runCli, spawnCli } from '../helpers/cli.js'
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

interface StartTarget {
  name: string
  dir: string
  port: number
  config: string
}

/** A fresh data dir and its config, with the local broker on a free port. */
async function prepare(name: string): Promise<StartTarget> {
  const dir = path.join(dataDir, name)
  mkdirSync(dir, { recursive: true })
  const port = await freePort()
  const config = path.join(dir, 'mcp-audit.yaml')
  writeFileSync(
    config,
    `dataDir: ${dir}\nkafka:\n  localPort: ${port}\nclickhouse:\n  database: mcp_audit_test_start\ncollector:\n  port: 0\n  metricsPort: 0\n  host: 127.0.0.1\nconsole:\n  port: 0\n  metricsPort: 0\n  host: 127.0.0.1\n`,
  )
  return { name, dir, port, config }
}

/** Runs `mcp-audit start` on the target's config until `marker` appears in its output. */
async function launch(
  { name, dir, port, config }: StartTarget,
  args: string[],
  marker: string,
  timeoutMs: number,
) {
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
    const { dir, port, child, output, exited } = await launch(
      await prepare('plain'),
      [],
      'The store is empty',
      90_000,
    )
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

  it('comes back at the first try after a SIGKILL and stores every acknowledged event once', async () => {
    const target = await prepare('crash')
    const first = await launch(target, [], 'The store is empty', 90_000)
    const collectorUrl = /collector: +(http:\/\/\S+)/.exec(first.output.stdout)?.[1]
    const ingest = /ingest token \(dev\): (\S+)/.exec(first.output.stdout)?.[1]
    const ids = Array.from({ length: 300 }, () => randomUUID())
    const now = Date.now()
    const posted = await fetch(`${collectorUrl}/v1/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ingest}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(
        ids.map((id, index) => ({
          event_id: id,
          timestamp: new Date(now - index * 1_000).toISOString(),
          method: 'tools/call',
          server: { name: 'crash-test' },
          tool: 'read_file',
        })),
      ),
    })
    expect(posted.status).toBe(202)
    expect(await posted.json()).toMatchObject({ accepted: ids.length, rejected: 0 })

    // Killed at once after the 202: events may be in Kafka only. The broker lives on as an orphan.
    const brokerPid = Number(readFileSync(path.join(target.dir, 'kafka', 'broker.pid'), 'utf8'))
    first.child.kill('SIGKILL')
    await first.exited
    expect(processAlive(brokerPid)).toBe(true)

    const second = await launch(target, [], 'Press Ctrl-C to stop.', 90_000)
    expect(second.output.stderr).toBe('')
    expect(second.child.exitCode).toBeNull()
    expect(processAlive(brokerPid)).toBe(false)
    const consoleUrl = /console: +(http:\/\/\S+)/.exec(second.output.stdout)?.[1]
    const admin = /admin token +\(dev\): (\S+)/.exec(second.output.stdout)?.[1]
    const from = new Date(now - 3_600_000).toISOString()
    const stored = await waitFor(
      async () => {
        const response = await fetch(`${consoleUrl}/api/v1/events?server=crash-test&limit=500&from=${from}`, {
          headers: { Authorization: `Bearer ${admin}` },
        })
        const { events } = (await response.json()) as { events: Array<{ event_id: string }> }
        return events.map((event) => event.event_id)
      },
      {
        description: `the ${ids.length} acknowledged events in the console`,
        timeoutMs: 60_000,
        intervalMs: 500,
        until: (found) => found.length === ids.length,
      },
    )
    expect(new Set(stored)).toEqual(new Set(ids))

    second.child.kill('SIGINT')
    expect(await second.exited).toBe(0)
    // Stored once: the store's rows, not the console's one-per-id view.
    const copies = runCli(
      [
        'query',
        'SELECT count() AS rows, uniqExact(event_id) AS ids FROM mcp_audit_test_start.audit_events WHERE server_name = {s:String}',
        '-p',
        's=crash-test',
      ],
      { MCP_AUDIT_CONFIG: target.config },
    )
    expect(copies.stderr).toBe('')
    const counts = JSON.parse(copies.stdout) as { rows: string; ids: string }
    expect([Number(counts.rows), Number(counts.ids)]).toEqual([ids.length, ids.length])
  })

  it('--demo fills the store with a simulated day, fires alerts and generates a verified report', async () => {
    const { dir, child, output, exited } = await launch(
      await prepare('demo'),
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
