import { z } from 'zod'

/**
 * Keys and credentials that protect stored and moving data: the embedded store's disk key and the
 * Kafka client's TLS and SASL settings. Validated at start; the values never reach a log.
 */

const AES_256_KEY_BYTES = 32

/**
 * Decodes a storage key written as 64 hex digits or as base64 (standard or URL-safe); the decoded
 * key must be exactly 32 bytes, the key size of AES-256. Returns the key as lowercase hex.
 */
export function decodeStorageKey(value: string): { ok: true; hex: string } | { ok: false; reason: string } {
  const text = value.trim()
  if (/^[0-9a-f]+$/i.test(text) && text.length % 2 === 0) {
    if (text.length === AES_256_KEY_BYTES * 2) return { ok: true, hex: text.toLowerCase() }
    return { ok: false, reason: `${text.length / 2} bytes in hex` }
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text, 'base64')
    if (bytes.length === AES_256_KEY_BYTES) return { ok: true, hex: bytes.toString('hex') }
    return { ok: false, reason: `${bytes.length} bytes in base64` }
  }
  return { ok: false, reason: 'neither hex nor base64' }
}

/** `clickhouse.encryptionKey`: normalized to 64 lowercase hex digits. */
export const StorageKey = z.string().transform((value, ctx) => {
  const decoded = decodeStorageKey(value)
  if (decoded.ok) return decoded.hex
  ctx.addIssue({
    code: 'custom',
    message:
      `must be an AES-256 key of exactly ${AES_256_KEY_BYTES} bytes, as 64 hex digits or base64 (got ${decoded.reason}); ` +
      'generate one with `openssl rand -hex 32` and keep it: the store cannot be read without it',
  })
  return z.NEVER
})

/** A PEM value: inline (starts with -----BEGIN) or the path of a file holding it. */
const PemSource = z.string().min(1)

export const KafkaSsl = z.object({
  /** CA certificate(s) the brokers' certificates must chain to; default: Node's trusted roots. */
  ca: PemSource.optional(),
  /** Client certificate and key, for brokers that require mutual TLS. */
  cert: PemSource.optional(),
  key: PemSource.optional(),
  passphrase: z.string().optional(),
  /** false accepts any broker certificate: encrypted but open to an active man in the middle. */
  rejectUnauthorized: z.boolean().default(true),
  /** Name the broker certificates are checked against, when it differs from the broker host. */
  servername: z.string().min(1).optional(),
})
export type KafkaSsl = z.infer<typeof KafkaSsl>

export const KafkaSasl = z.object({
  mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
  username: z.string().min(1),
  /** Give it as `${KAFKA_SASL_PASSWORD}` (or set KAFKA_SASL_PASSWORD), not in the file. */
  password: z.string().min(1),
})
export type KafkaSasl = z.infer<typeof KafkaSasl>
