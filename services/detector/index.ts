/** The detector's public entry: what the layers above it (the console, the CLI) may use. */
export {
  createAlertRecorder,
  createDetectorParts,
  loadConfiguredRules,
  rulePaths,
  RulesInvalidError,
  startDetector,
  type DetectorHandle,
  type DetectorParts,
} from './service.js'
export { EVENT_CONFLICT_RULE, eventConflictCandidates } from './event-conflict-rule.js'
export {
  EXPORT_LAGGING_RULE,
  exportLaggingCandidates,
  type ExportLaggingEpisode,
} from './export-lagging-rule.js'
export { PRIVILEGE_MISUSE_RULE, UNMAPPED_ROLE_RULE } from './privilege-rules.js'
export { formatRuleError, loadRules, type LoadedRules, type RuleError } from './rules/load.js'
export { convertSigma, type SigmaResult } from './rules/sigma.js'
export { describeGroup, TEST_TENANT, type FiredGroup } from './rule-test/fire.js'
export { readRuleTests, type RuleTestLoadError, type RuleTestSource } from './rule-test/load.js'
export {
  runRulesOnEvents,
  runRuleTests,
  type CaseResult,
  type IngestResult,
  type RuleFiring,
  type RuleRunOptions,
  type SampleIngest,
} from './rule-test/run.js'
