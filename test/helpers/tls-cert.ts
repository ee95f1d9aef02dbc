import { execFileSync } from 'node:child_process'
import path from 'node:path'

export interface SelfSignedCert {
  certFile: string
  keyFile: string
}

/**
 * A self-signed certificate (its own CA) for `127.0.0.1` and `localhost`, made by OpenSSL in `dir`:
 * a receiver serves it, and a sink trusts it only when its `tls.caFile` names it. Valid for a day.
 */
export function selfSignedCert(dir: string, name = 'receiver'): SelfSignedCert {
  const certFile = path.join(dir, `${name}.crt`)
  const keyFile = path.join(dir, `${name}.key`)
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=mcp-audit test ${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'pipe' },
  )
  return { certFile, keyFile }
}
