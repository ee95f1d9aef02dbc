import { z } from 'zod'

/**
 * TLS options of an export sink (`export.sinks[].tls`). Verification of the receiver's certificate
 * is always on; `caFile` replaces the system's trusted roots for this sink (a private CA), and
 * `certFile` with `keyFile` present a client certificate (mutual TLS). Files hold PEM; they are read
 * once at start, so a missing or unreadable file stops the start naming the key.
 */
export const SinkTlsConfig = z
  .object({
    caFile: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    /** The name checked against the certificate when it differs from the URL's host. */
    serverName: z.string().min(1).optional(),
  })
  .strict()
  .refine((tls) => (tls.certFile === undefined) === (tls.keyFile === undefined), {
    message: 'certFile and keyFile go together (a client certificate needs its key)',
  })
export type SinkTlsConfig = z.output<typeof SinkTlsConfig>
