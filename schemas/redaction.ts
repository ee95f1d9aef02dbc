import { z } from 'zod'

/*
 * The redaction vocabulary: the kinds of value the redaction engine finds and the `redaction` section
 * of the configuration. Config, the normalizer's engine and the rule checks all read them from here.
 */

/** Every kind of value the redaction engine recognises. The name is what placeholders and findings show. */
export const PII_TYPES = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'IBAN',
  'US_SSN',
  'CN_RESIDENT_ID',
  'CN_PASSPORT',
  'CN_TRAVEL_PERMIT',
  'CN_USCC',
  'CN_BANK_CARD',
  'CN_ADDRESS',
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
  /** A random-looking value under a credential-like key or after a credential-like word. */
  'GENERIC_SECRET',
] as const

export const FINDING_TYPES = [...PII_TYPES, ...SECRET_TYPES] as const

export type PiiType = (typeof PII_TYPES)[number]
export type SecretType = (typeof SECRET_TYPES)[number]
export type FindingType = (typeof FINDING_TYPES)[number]

/** How many values of each type were redacted; types that were not seen are absent. */
export type Findings = Partial<Record<FindingType, number>>

export const FindingTypeSchema = z.enum(FINDING_TYPES)

/**
 * The `redaction` section of the configuration file. Every key has a default, so `{}` is a valid
 * section. The HMAC key and the service accounts are not here: they are `pseudonymization.key` and
 * `pseudonymization.serviceAccounts`, passed to `createRedactor`; excerpt sizes are the caller's
 * (`normalizer.argumentsMaxBytes`, `normalizer.resultMaxBytes`).
 */
export const RedactionSettings = z
  .object({
    /**
     * What to do with IP addresses found in free text: `hash` replaces them by a keyed pseudonym
     * (`[IP_ADDRESS:…]`, joinable), `truncate` keeps the network (/24 for IPv4, /48 for IPv6),
     * `redact` replaces them by `[REDACTED:IP_ADDRESS]`, `keep` leaves them. Loopback and unspecified
     * addresses are never changed.
     */
    ipMode: z.enum(['hash', 'truncate', 'redact', 'keep']).default('hash'),
    /** Types replaced by a keyed HMAC pseudonym instead of `[REDACTED:TYPE]`, so that analysts can join on them. */
    pseudonymizeTypes: z.array(FindingTypeSchema).default(['EMAIL']),
    /** Detectors to switch off, e.g. the heuristic `PERSON` and `STREET_ADDRESS`. */
    disabledTypes: z.array(FindingTypeSchema).default([]),
    /** Objects and arrays nested deeper than this are replaced by `[TRUNCATED:MAX_DEPTH]`. */
    maxDepth: z.coerce.number().int().min(1).max(256).default(32),
    /** A string longer than this (UTF-8 bytes) is scanned only up to about this size and cut there. */
    maxStringBytes: z.coerce.number().int().min(256).default(65_536),
    /** Hex characters kept from each HMAC-SHA256 (16 = 64 bits; fewer collide sooner in joins). */
    pseudonymHexChars: z.coerce.number().int().min(8).max(64).default(16),
  })
  .refine((settings) => !settings.pseudonymizeTypes.includes('IP_ADDRESS'), {
    message: 'IP_ADDRESS is governed by ipMode; use ipMode: hash instead of listing it in pseudonymizeTypes',
    path: ['pseudonymizeTypes'],
  })
  .prefault({})

export type RedactionSettings = z.infer<typeof RedactionSettings>
