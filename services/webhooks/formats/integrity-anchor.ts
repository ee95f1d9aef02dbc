import type { IntegrityAnchor } from '../../../schemas/integrity-anchor.js'

/**
 * An anchor as Standard Webhooks JSON: `integrity.anchor` with the anchor as data, the body a
 * receiver stores as it came (`verify-store --anchor` reads it whole or its `data`). Only this
 * format carries anchors: a chat message or an incident is no place to keep a copy of the chain.
 */
export function renderAnchorStandard(anchor: IntegrityAnchor): unknown {
  return { type: 'integrity.anchor', timestamp: anchor.anchored_at, data: anchor }
}
