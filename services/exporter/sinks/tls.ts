import { readFileSync } from 'node:fs'
import type { SinkTlsConfig } from '../../../schemas/sink-tls.js'

/** The PEM material of a sink's `tls` options, ready for `tls.connect` and `https.request`. */
export interface SinkTlsMaterial {
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
  servername?: string
}

/** A sink's TLS files could not be read: the message names the sink, the key and the path (never the content). */
export class SinkTlsError extends Error {
  override readonly name = 'SinkTlsError'
}

/** Reads a sink's TLS files once (at start); `undefined` options give empty material (system roots, no client certificate). */
export function loadSinkTls(sinkName: string, tls: SinkTlsConfig | undefined): SinkTlsMaterial {
  if (tls === undefined) return {}
  const read = (key: 'caFile' | 'certFile' | 'keyFile'): Buffer | undefined => {
    const path = tls[key]
    if (path === undefined) return undefined
    try {
      return readFileSync(path)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable'
      throw new SinkTlsError(`export.sinks "${sinkName}": tls.${key} ${path} cannot be read (${code})`)
    }
  }
  const ca = read('caFile')
  const cert = read('certFile')
  const key = read('keyFile')
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
  }
}
