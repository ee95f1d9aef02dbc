import { existsSync, readFileSync } from 'node:fs'
import type { ConnectionOptions } from 'node:tls'
import type { SASLOptions } from 'kafkajs'
import type { KafkaSasl, KafkaSsl } from '../../../schemas/transport-security.js'
import { ConfigError } from '../config.js'

/** `kafka.ssl` and `kafka.sasl` of the configuration, as the brokers of `kafka.brokers` need them. */
export interface KafkaSecurity {
  ssl?: KafkaSsl
  sasl?: KafkaSasl
}

const PEM = /^-----BEGIN [A-Z0-9 ]+-----/

/** A PEM value given inline, or read from the file it names; a missing file names its key. */
function pem(value: string | undefined, key: string): string | undefined {
  if (value === undefined) return undefined
  if (PEM.test(value.trim())) return value
  if (!existsSync(value)) {
    throw new ConfigError(
      `${key} is neither a PEM value (-----BEGIN …) nor an existing file: ${value} not found`,
      key,
    )
  }
  const text = readFileSync(value, 'utf8')
  if (!PEM.test(text.trim())) {
    throw new ConfigError(`${key}: ${value} does not hold a PEM value (-----BEGIN …)`, key)
  }
  return text
}

/** kafkajs's `ssl` and `sasl` options; empty for the plaintext brokers of a configuration without them. */
export function kafkaSecurityOptions(security: KafkaSecurity): {
  ssl?: ConnectionOptions
  sasl?: SASLOptions
} {
  const { ssl, sasl } = security
  const tls: ConnectionOptions | undefined = ssl && {
    rejectUnauthorized: ssl.rejectUnauthorized,
    ...(ssl.ca === undefined ? {} : { ca: pem(ssl.ca, 'kafka.ssl.ca') }),
    ...(ssl.cert === undefined ? {} : { cert: pem(ssl.cert, 'kafka.ssl.cert') }),
    ...(ssl.key === undefined ? {} : { key: pem(ssl.key, 'kafka.ssl.key') }),
    ...(ssl.passphrase === undefined ? {} : { passphrase: ssl.passphrase }),
    ...(ssl.servername === undefined ? {} : { servername: ssl.servername }),
  }
  return {
    ...(tls ? { ssl: tls } : {}),
    ...(sasl
      ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } }
      : {}),
  }
}
