export type {
  CheckCounts,
  GenerateRequest,
  ReportFile,
  ReportFileKind,
  ReportFileLocation,
  ReportFormat,
  ReportRecord,
  Reports,
  SigningKey,
  VerifyResult,
} from './types.js'
export { REPORT_FORMATS } from './types.js'
export { ReportLimitError, ReportRequestError } from './errors.js'
export { createReports, type ReportsDeps } from './reports.js'
export { loadSigningKey } from './signing-key.js'
export { startReporter } from './service.js'
