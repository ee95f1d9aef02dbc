import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { describeFile, readSignedManifest, signManifest } from '../../services/reporter/manifest.js'
import { keyId } from '../../services/reporter/signing-key.js'
import type { SigningKey } from '../../services/reporter/types.js'
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

  it('verifies only against a trusted key: --public-key or the exported one, never the key in the manifest', async () => {
    const generated = runCli(
      [
        'report',
        '--tenant',
        'default',
        '--from',
        '2026-11-02T00:00:00Z',
        '--to',
        '2026-11-03T00:00:00Z',
        '--format',
        'json,csv',
      ],
      env,
    )
    expect(generated.status).toBe(0)
    const manifestFile = /verify with: mcp-audit report verify (\S+)/.exec(generated.stdout)![1]!
    const exported = path.join(dataDir, 'reports', 'signing-key.pub.pem')
    // Another machine's data dir, where no report was ever signed.
    const auditor = { MCP_AUDIT_DATA_DIR: path.join(dataDir, 'auditor') }
    mkdirSync(auditor.MCP_AUDIT_DATA_DIR)

    const withExported = runCli(['report', 'verify', manifestFile], env)
    expect(withExported.status).toBe(0)
    expect(withExported.stdout).toContain(`(${exported})`)
    const withFlag = runCli(['report', 'verify', '--public-key', exported, manifestFile], auditor)
    expect(withFlag.status).toBe(0)

    // On a machine with no key of its own, the manifest's embedded key is not enough.
    const untrusted = runCli(['report', 'verify', manifestFile], auditor)
    expect(untrusted.status).toBe(2)
    expect(untrusted.stdout).toBe('')
    expect(untrusted.stderr).toContain('no trusted public key')
    expect(untrusted.stderr).toContain('Pass --public-key FILE')
    const badKey = runCli(['report', 'verify', '--public-key', manifestFile, manifestFile], auditor)
    expect(badKey.status).toBe(2)
    expect(badKey.stderr).toContain(`${manifestFile} is not a readable public key`)

    // An attacker changes a file and re-signs the manifest with a key of their own, embedded in it.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const attacker: SigningKey = {
      privateKey,
      publicKey,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      keyId: keyId(publicKey),
    }
    const dir = path.dirname(manifestFile)
    writeFileSync(path.join(dir, 'summary.csv'), 'Measure,Value\r\nCalls,0\r\n')
    const genuine = readSignedManifest(manifestFile).signed!.manifest
    const files = await Promise.all(genuine.files.map((file) => describeFile(dir, file.name, file.kind)))
    writeFileSync(manifestFile, JSON.stringify(signManifest({ ...genuine, files }, attacker), null, 2))
    const attackerKey = path.join(auditor.MCP_AUDIT_DATA_DIR, 'attacker.pub.pem')
    writeFileSync(attackerKey, attacker.publicKeyPem)
    expect(runCli(['report', 'verify', '--public-key', attackerKey, manifestFile], auditor).status).toBe(0)

    for (const [args, who] of [
      [['report', 'verify', manifestFile], env],
      [['report', 'verify', '--public-key', exported, manifestFile], auditor],
    ] as const) {
      const forged = runCli([...args], who)
      expect(forged.status).toBe(1)
      expect(forged.stderr).toContain(
        `the manifest was signed by key ${attacker.keyId}, not by the trusted key`,
      )
    }
    expect(runCli(['report', 'verify', manifestFile], auditor).status).toBe(2)
  })

  it('says what is wrong with a bad request', () => {
    const result = runCli(['report', '--tenant', 'nobody', '--period', 'last-day'], env)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('unknown tenant "nobody"')
    const format = runCli(['report', '--tenant', 'default', '--period', 'last-day', '--format', 'docx'], env)
    expect(format.status).not.toBe(0)
    expect(format.stderr).toContain('unknown format docx')
    const locale = runCli(['report', '--tenant', 'default', '--period', 'last-day', '--locale', 'fr'], env)
    expect(locale.status).not.toBe(0)
    expect(locale.stderr).toContain('use en or zh-CN')
  })

  it('writes the report in Chinese with --locale zh-CN: CSV headers, checks and report.json', () => {
    const generated = runCli(
      [
        'report',
        '--tenant',
        'default',
        '--from',
        '2026-11-03T00:00:00Z',
        '--to',
        '2026-11-04T00:00:00Z',
        '--format',
        'csv,json',
        '--locale',
        'zh-CN',
      ],
      env,
    )
    expect(generated.status).toBe(0)
    const dir = path.dirname(/verify with: mcp-audit report verify (\S+)/.exec(generated.stdout)![1]!)
    expect(readFileSync(path.join(dir, 'summary.csv'), 'utf8')).toMatch(
      /^\uFEFF指标,本周期,上一周期,变化\r\n调用次数,/,
    )
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as {
      locale: string
      name: string
      checks: Array<{ id: string; title: string }>
    }
    expect(report).toMatchObject({ locale: 'zh-CN', name: '合规审计报告' })
    expect(report.checks.find((check) => check.id === 'record-content')?.title).toContain(
      '记录包含全部必需字段',
    )
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
