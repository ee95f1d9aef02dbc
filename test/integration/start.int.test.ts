import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../../services/platform/local-kafka.js'
import { spawnCli } from '../helpers/cli.js'

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

describe('mcp-audit start (all-in-one, embedded defaults)', () => {
  it('brings up its own Kafka broker and store, stays up, and stops cleanly on SIGINT', async () => {
    const port = await freePort()
    const config = path.join(dataDir, 'mcp-audit.yaml')
    writeFileSync(
      config,
      `dataDir: ${dataDir}\nkafka:\n  localPort: ${port}\nclickhouse:\n  database: mcp_audit_test_start\ncollector:\n  port: 0\n  host: 127.0.0.1\n`,
    )
    const child = spawnCli(['start'], { MCP_AUDIT_CONFIG: config })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))

    const deadline = Date.now() + 90_000
    while (!stdout.includes('Press Ctrl-C to stop.') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(stderr).toBe('')
    expect(stdout).toContain(`127.0.0.1:${port} (local broker)`)
    expect(stdout).toContain('ingest token (dev): mcpa_dev_')
    const brokerPid = Number(readFileSync(path.join(dataDir, 'kafka', 'broker.pid'), 'utf8'))
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

    // Still up a moment later: start is a long-running process, not a one-shot.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(child.exitCode).toBeNull()

    child.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(stdout).toContain('shutdown_finished')
    expect(processAlive(brokerPid)).toBe(false)
    expect(existsSync(path.join(dataDir, 'kafka', 'broker.pid'))).toBe(false)
  })
})
