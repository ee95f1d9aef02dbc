import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ReportManifest } from '../../schemas/report.js'
import {
  describeFile,
  embeddedKeyId,
  MANIFEST_FILE,
  manifestPathFor,
  readSignedManifest,
  signManifest,
  verifyReportFiles,
} from './manifest.js'
import { keyId } from './signing-key.js'
import type { SigningKey } from './types.js'

function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyId(publicKey),
  }
}

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function report(key: SigningKey): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-manifest-'))
  dirs.push(dir)
  writeFileSync(path.join(dir, 'summary.csv'), 'Measure,Value\r\nCalls,42\r\n')
  writeFileSync(path.join(dir, 'report.json'), '{"calls":42}\n')
  const manifest: ReportManifest = {
    format: 'mcp-audit-report-manifest/1',
    report_id: 'rpt_1',
    tenant_id: 'acme',
    name: '周报',
    period: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z', timezone: 'Asia/Shanghai' },
    generated_at: '2026-11-08T06:00:00.000Z',
    generated_by: 'scheduler',
    query_parameters: { tenant: 'acme' },
    row_counts: { events: 42 },
    max_ingested_at: null,
    checks: { pass: 1, warn: 0, fail: 0 },
    files: [await describeFile(dir, 'summary.csv', 'csv'), await describeFile(dir, 'report.json', 'json')],
  }
  writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(signManifest(manifest, key), null, 2))
  return dir
}

describe('signed manifests', () => {
  it('verifies an untouched report, from the manifest, the directory or one of its files', async () => {
    const key = newKey()
    const dir = await report(key)
    for (const target of [path.join(dir, MANIFEST_FILE), dir, path.join(dir, 'summary.csv')]) {
      expect(await verifyReportFiles(manifestPathFor(target), { trusted: key.publicKey })).toMatchObject({
        ok: true,
        problems: [],
      })
    }
  })

  it('fails on a changed byte, a missing file, an extra file, and a manifest signed by another key', async () => {
    const key = newKey()
    const dir = await report(key)
    writeFileSync(path.join(dir, 'summary.csv'), 'Measure,Value\r\nCalls,43\r\n')
    const changed = await verifyReportFiles(path.join(dir, MANIFEST_FILE), { trusted: key.publicKey })
    expect(changed.ok).toBe(false)
    expect(changed.problems[0]).toMatch(/^summary\.csv was changed/)

    rmSync(path.join(dir, 'report.json'))
    writeFileSync(path.join(dir, 'extra.csv'), 'x')
    const problems = (await verifyReportFiles(path.join(dir, MANIFEST_FILE), { trusted: key.publicKey }))
      .problems
    expect(problems).toContain('report.json is missing')
    expect(problems).toContain('extra.csv is not covered by the manifest')

    const other = newKey()
    const forged = await verifyReportFiles(path.join(await report(other), MANIFEST_FILE), {
      trusted: key.publicKey,
    })
    expect(forged.ok).toBe(false)
    expect(forged.problems).toEqual([
      `the manifest was signed by key ${other.keyId}, not by the trusted key ${key.keyId}: it was re-signed or comes from another installation`,
    ])
  })

  it('fails a report rewritten and re-signed by an attacker whose key the manifest carries', async () => {
    const key = newKey()
    const dir = await report(key)
    const manifestFile = path.join(dir, MANIFEST_FILE)
    const attacker = newKey()
    writeFileSync(path.join(dir, 'summary.csv'), 'Measure,Value\r\nCalls,0\r\n')
    const genuine = readSignedManifest(manifestFile).signed!.manifest
    const rewritten = {
      ...genuine,
      row_counts: { events: 0 },
      files: [await describeFile(dir, 'summary.csv', 'csv'), await describeFile(dir, 'report.json', 'json')],
    }
    const resigned = signManifest(rewritten, attacker)
    writeFileSync(manifestFile, JSON.stringify(resigned, null, 2))
    expect(embeddedKeyId(resigned)).toBe(attacker.keyId)

    // Consistent in itself: checked against the key it carries, the forgery would pass.
    expect((await verifyReportFiles(manifestFile, { trusted: attacker.publicKey })).ok).toBe(true)
    const result = await verifyReportFiles(manifestFile, { trusted: key.publicKey })
    expect(result.ok).toBe(false)
    expect(result.problems).toEqual([
      `the manifest was signed by key ${attacker.keyId}, not by the trusted key ${key.keyId}: it was re-signed or comes from another installation`,
    ])
  })

  it('says the manifest was changed when its content no longer matches the trusted signature', async () => {
    const key = newKey()
    const manifestFile = path.join(await report(key), MANIFEST_FILE)
    const signed = readSignedManifest(manifestFile).signed!
    writeFileSync(
      manifestFile,
      JSON.stringify({ ...signed, manifest: { ...signed.manifest, row_counts: { events: 41 } } }),
    )
    expect((await verifyReportFiles(manifestFile, { trusted: key.publicKey })).problems).toEqual([
      'the manifest signature does not match its content: the manifest was changed',
    ])
  })
})
