import type { AppConfig } from '../../schemas/config.js'
import type { ManifestSeal, ReportManifest } from '../../schemas/report.js'
import { sealKeyFiles, trustedSealPublicKey, verifyStore, type SealSummary } from '../integrity/index.js'
import type { Store } from '../platform/clickhouse.js'
import { ed25519KeyId, KeyFileError } from '../platform/ed25519-key.js'
import type { CheckStatus } from './check.js'
import type { AuditTrailFacts } from './data.js'
import type { Period } from './period.js'

/** Event ids kept per problem in the report's JSON (the count is always complete). */
const MAX_EVENT_IDS = 100

/**
 * Verifies the sealed audit trail of a tenant's report period against the installation's trusted
 * seal key (configured or exported, never the seals' own claim), as `mcp-audit verify-store` would.
 * The key is looked up at each report: the normalizer creates it at its first start, which may
 * come after the reporter's.
 */
export async function collectAuditTrail(
  store: Pick<Store, 'client' | 'database'>,
  config: Pick<AppConfig, 'dataDir' | 'integrity'>,
  tenantId: string,
  period: Period,
): Promise<AuditTrailFacts> {
  let publicKey
  try {
    publicKey = trustedSealPublicKey(config)
  } catch (err) {
    if (!(err instanceof KeyFileError)) throw err
    return { verified: false, reason: `the seal public key cannot be read: ${err.message}` }
  }
  if (!publicKey) {
    return {
      verified: false,
      reason: `no seal public key yet (integrity.signingKey is not set and ${sealKeyFiles(config).publicKey} does not exist): the normalizer creates one when it first starts`,
    }
  }
  const result = await verifyStore(store, {
    tenantId,
    from: period.from,
    to: period.to,
    publicKey,
    sealIntervalSeconds: config.integrity.sealIntervalSeconds,
    maxEventIds: MAX_EVENT_IDS,
  })
  return {
    verified: true,
    keyId: ed25519KeyId(publicKey),
    seals: result.seals,
    rows: result.rows,
    expired: result.expired,
    problems: result.problems,
    firstSeal: result.firstSeal,
    lastSeal: result.lastSeal,
  }
}

function manifestSeal(seal: SealSummary | null): ManifestSeal | null {
  if (!seal) return null
  return {
    partition: seal.partition,
    epoch: seal.epoch,
    seq: seal.seq,
    sealed_at: seal.sealedAt,
    row_count: seal.rowCount,
    digest: seal.digest,
    seal_hash: seal.sealHash,
    key_id: seal.keyId,
  }
}

/** The manifest's `audit_trail`: the check's verdict with the period's first and last seal. */
export function manifestAuditTrail(
  trail: AuditTrailFacts,
  status: CheckStatus,
): NonNullable<ReportManifest['audit_trail']> {
  return {
    status,
    seal_key_id: trail.verified ? trail.keyId : null,
    seals: trail.verified ? trail.seals : 0,
    first_seal: manifestSeal(trail.verified ? trail.firstSeal : null),
    last_seal: manifestSeal(trail.verified ? trail.lastSeal : null),
  }
}
