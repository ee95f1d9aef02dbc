/** One compliance check's verdict and the evidence behind it; checks*.ts make them, frameworks.ts maps them. */
export type CheckStatus = 'pass' | 'warn' | 'fail'

export interface Check {
  id: string
  title: string
  status: CheckStatus
  summary: string
  evidence: string[]
}
