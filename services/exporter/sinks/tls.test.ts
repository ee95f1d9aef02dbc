import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SinkTlsConfig } from '../../../schemas/sink-tls.js'
import { loadSinkTls, SinkTlsError } from './tls.js'

describe('sink TLS options', () => {
  it('refuses a client certificate without its key', () => {
    const parsed = SinkTlsConfig.safeParse({ certFile: '/etc/client.pem' })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toMatch(/certFile and keyFile go together/)
  })

  it('reads the files it names and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sink-tls-'))
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM')
    const material = loadSinkTls('soc', { caFile: join(dir, 'ca.pem'), serverName: 'siem.example' })
    expect(material.ca?.toString()).toBe('CA PEM')
    expect(material.cert).toBeUndefined()
    expect(material.servername).toBe('siem.example')
    expect(loadSinkTls('soc', undefined)).toEqual({})
  })

  it('names the sink, the key and the path of a file it cannot read', () => {
    expect(() => loadSinkTls('soc', { caFile: '/nonexistent/ca.pem' })).toThrow(SinkTlsError)
    expect(() => loadSinkTls('soc', { caFile: '/nonexistent/ca.pem' })).toThrow(
      'export.sinks "soc": tls.caFile /nonexistent/ca.pem cannot be read (ENOENT)',
    )
  })
})
