import { z } from 'zod'
import { GenericEvent, Timestamp } from './event.js'

/**
 * A message on `mcp.audit.raw`: one generic event (its `event_id` always set) with what the
 * collector knew of its origin. The normalizer reads messages with this schema, through a cheap
 * structural check that agrees with it (raw-envelope-check.ts). A change of shape or encoding
 * needs a new version, and normalizers that read both before collectors write it (rolling
 * upgrade, DLQ replay of older messages).
 */
export const RAW_ENVELOPE_VERSION = 1

export const RawEnvelope = z.object({
  v: z.literal(RAW_ENVELOPE_VERSION),
  tenant_id: z.string().min(1),
  /** Name of the ingest token the gateway authenticated with. */
  gateway: z.string().min(1),
  format: z.string().min(1),
  received_at: Timestamp,
  event: GenericEvent,
})
export type RawEnvelope = z.infer<typeof RawEnvelope>

/** A message on `mcp.audit.receipts`: what one request had acknowledged, for completeness checks. */
export const IngestReceipt = z.object({
  v: z.literal(1),
  /** Derived from the accepted event ids, so a retried identical request yields the same receipt. */
  receipt_id: z.string().min(1),
  tenant_id: z.string().min(1),
  gateway: z.string().min(1),
  received_at: Timestamp,
  /** Accepted events per minute of their occurrence time (`YYYY-MM-DDTHH:MM`, UTC). */
  minutes: z.record(z.string(), z.number().int().nonnegative()),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
})
export type IngestReceipt = z.infer<typeof IngestReceipt>
