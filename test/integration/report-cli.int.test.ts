import { mkdirSync, readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-report-cli-'))
const env = { MCP_AUDIT_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: 'mcp_audit_test_report_cli' }

afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('mcp-audit report (CLI)', () => {
  it('generates a report, verifies it, and exits 1 after a one-byte change', () => {
    const generated = runCli(
      [
        'report',
        '--tenant',
        'default',
        '--from',
        '2026-11-01T00:00:00Z',
        '--to',
        '2026-11-02T00:00:00Z',
        '--format',
        'pdf,csv',
      ],
      env,
    )
    expect(generated.stderr).toBe('')
    expect(generated.status).toBe(0)
    const manifest = /verify with: mcp-audit report verify (\S+)/.exec(generated.stdout)?.[1]
    expect(manifest).toBeDefined()
    const dir = path.dirname(manifest!)
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['report.pdf', 'summary.csv', 'manifest.json']))

    const ok = runCli(['report', 'verify', path.join(dir, 'report.pdf')], env)
    expect(ok.status).toBe(0)
    expect(ok.stdout).toMatch(/^OK: \d+ file\(s\) match/)

    const csv = path.join(dir, 'summary.csv')
    const original = readFileSync(csv)
    const changed = Buffer.from(original)
    changed.writeUInt8(changed.readUInt8(changed.length - 3) ^ 0x01, changed.length - 3)
    writeFileSync(csv, changed)
    const failed = runCli(['report', 'verify', manifest!], env)
    expect(failed.status).toBe(1)
    expect(failed.stderr).toContain('summary.csv was changed')
  })

  it('says what is wrong with a bad request', () => {
    const result = runCli(['report', '--tenant', 'nobody', '--period', 'last-day'], env)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('unknown tenant "nobody"')
    const format = runCli(['report', '--tenant', 'default', '--period', 'last-day', '--format', 'docx'], env)
    expect(format.status).not.toBe(0)
    expect(format.stderr).toContain('unknown format docx')
  })

  it('refuses a period beyond reporter.maxPeriodDays and a tenant whose report another process generates', () => {
    const long = runCli(
      ['report', '--tenant', 'default', '--from', '2025-01-01T00:00:00Z', '--to', '2026-11-01T00:00:00Z'],
      env,
    )
    expect(long.status).toBe(1)
    expect(long.stderr).toContain('a report covers at most 400 (reporter.maxPeriodDays): split the period')

    const lock = path.join(dataDir, 'reports', 'default', '.generating')
    mkdirSync(path.dirname(lock), { recursive: true })
    writeFileSync(
      lock,
      JSON.stringify({ pid: process.pid, host: os.hostname(), process: 'test', started_at: Date.now() }),
    )
    const busy = runCli(['report', '--tenant', 'default', '--period', 'last-day', '--format', 'json'], env)
    rmSync(lock)
    expect(busy.status).toBe(1)
    expect(busy.stderr).toContain('a report of tenant "default" is being generated since')
  })
})
