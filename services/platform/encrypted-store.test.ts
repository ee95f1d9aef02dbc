import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from './config.js'
import { checkStoreLayout } from './encrypted-store.js'

const KEY = randomBytes(32).toString('hex')

function storeDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-enc-layout-'))
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), content)
  }
  return dir
}

describe('checkStoreLayout', () => {
  it('lets a new directory be opened with or without a key', () => {
    expect(() => checkStoreLayout(storeDir(), KEY)).not.toThrow()
    expect(() => checkStoreLayout(storeDir(), undefined)).not.toThrow()
  })

  it('refuses a key on a store that holds tables in clear, naming the key', () => {
    const dir = storeDir({ 'store/0ab/0ab1-uuid/format_version.txt': '1' })
    expect(() => checkStoreLayout(dir, KEY)).toThrow(ConfigError)
    expect(() => checkStoreLayout(dir, KEY)).toThrow(
      /clickhouse\.encryptionKey is set, but .* 1 tables in clear/,
    )
    expect(() => checkStoreLayout(dir, undefined)).not.toThrow()
  })

  it('refuses to open an encrypted store without its key', () => {
    const dir = storeDir({ 'encrypted/store/x': '' })
    expect(() => checkStoreLayout(dir, undefined)).toThrow(/is encrypted: set clickhouse\.encryptionKey/)
  })
})

describe('clickhouse.encryptionKey in the configuration', () => {
  it('takes MCP_AUDIT_STORAGE_KEY in base64 and keeps it as hex', () => {
    const key = randomBytes(32)
    const config = parseConfig({}, { MCP_AUDIT_STORAGE_KEY: key.toString('base64') })
    expect(config.clickhouse.encryptionKey).toBe(key.toString('hex'))
  })

  it('stops on a key of the wrong length, naming the key and the length', () => {
    expect(() => parseConfig({ clickhouse: { encryptionKey: randomBytes(16).toString('hex') } })).toThrow(
      /clickhouse\.encryptionKey: must be an AES-256 key of exactly 32 bytes.*got 16 bytes in hex/,
    )
  })

  it('refuses the key with a ClickHouse server, whose disks are configured on the server', () => {
    expect(() => parseConfig({ clickhouse: { url: 'https://ch:8443', encryptionKey: KEY } })).toThrow(
      /clickhouse\.encryptionKey: encrypts the embedded store only/,
    )
  })
})
