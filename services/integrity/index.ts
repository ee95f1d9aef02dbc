export { readAnchors } from './anchor.js'
export { parseAnchor, verifyAnchor, type ParsedAnchor } from './anchor-verify.js'
export { HASH_VERSION, SEALED_COLUMNS_V1 } from './leaf.js'
export {
  describeSeal,
  type Problem,
  type ProblemKind,
  type SealRef,
  type SealSummary,
  type VerifyResult,
} from './problems.js'
export { loadSealKey, sealKeyFiles, trustedSealPublicKey } from './seal-key.js'
export { createSealer, type CommittedOffset, type Sealer } from './sealer.js'
export { startSealer } from './service.js'
export { verifyStore, type VerifyOptions } from './verify.js'
