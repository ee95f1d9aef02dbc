import { z } from 'zod'

/**
 * An anchor: a copy of the heads of one tenant's seal chains, sent to webhooks on a schedule
 * (`integrity.anchor`, message `integrity.anchor`) so that it lives outside the store. Each head is
 * a seal as stored: its chain position, seal hash, digest and Ed25519 signature, which anyone with
 * the seal public key can check. `mcp-audit verify-store --anchor FILE` proves that the store still
 * holds each anchored seal unchanged and that its chain up to it is whole.
 */

const Hex64 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 in hex (64 digits)')

export const AnchoredSeal = z.object({
  partition: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
  seal_hash: Hex64,
  digest: z.string(),
  sealed_at: z.string(),
  key_id: z.string(),
  /** Ed25519 over the 32 bytes of the seal hash, hex. */
  signature: z.string().regex(/^[0-9a-fA-F]{128}$/, 'an Ed25519 signature in hex (128 digits)'),
})
export type AnchoredSeal = z.infer<typeof AnchoredSeal>

export const IntegrityAnchor = z.object({
  /** `anc_` + hex of the tenant and its heads: the same heads make the same anchor (and delivery id). */
  anchor_id: z.string().min(1),
  tenant_id: z.string().min(1),
  anchored_at: z.string(),
  /** The head (latest seal) of every chain of the tenant: one per partition and epoch. */
  seals: z.array(AnchoredSeal).min(1),
})
export type IntegrityAnchor = z.infer<typeof IntegrityAnchor>
