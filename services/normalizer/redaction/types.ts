/** Every kind of value the redaction engine recognises. The name is what placeholders and findings show. */
export const PII_TYPES = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'IBAN',
  'US_SSN',
  'CN_RESIDENT_ID',
  'IP_ADDRESS',
  'PERSON',
  'STREET_ADDRESS',
] as const

export const SECRET_TYPES = [
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'GITHUB_TOKEN',
  'GITLAB_TOKEN',
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'SLACK_TOKEN',
  'SLACK_WEBHOOK',
  'STRIPE_KEY',
  'WEBHOOK_SECRET',
  'GOOGLE_API_KEY',
  'NPM_TOKEN',
  'HUGGINGFACE_TOKEN',
  'SENDGRID_API_KEY',
  'JWT',
  'PRIVATE_KEY',
  'BEARER_TOKEN',
  'BASIC_AUTH',
  'URL_CREDENTIALS',
  'SENSITIVE_KEY',
] as const

export const FINDING_TYPES = [...PII_TYPES, ...SECRET_TYPES] as const

export type PiiType = (typeof PII_TYPES)[number]
export type SecretType = (typeof SECRET_TYPES)[number]
export type FindingType = (typeof FINDING_TYPES)[number]

/** How many values of each type were redacted; types that were not seen are absent. */
export type Findings = Partial<Record<FindingType, number>>

/** One detected value, as offsets into the scanned text (UTF-16 code units, end exclusive). */
export interface Detection {
  type: FindingType
  start: number
  end: number
}

export function addFinding(findings: Findings, type: FindingType, count = 1): void {
  findings[type] = (findings[type] ?? 0) + count
}

export function mergeFindings(into: Findings, from: Findings): void {
  for (const [type, count] of Object.entries(from) as Array<[FindingType, number]>)
    addFinding(into, type, count)
}
