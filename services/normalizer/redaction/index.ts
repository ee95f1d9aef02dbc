import type { z } from 'zod'
import { createJsonRedactor, type JsonRedaction } from './json.js'
import { createPseudonymizer } from './pseudonym.js'
import { RedactionSettings, type Findings } from '../../../schemas/redaction.js'
import { createTextRedactor, type TextRedaction } from './text.js'
import type { Detection } from './types.js'

export { DEPTH_PLACEHOLDER, type JsonRedaction } from './json.js'
export { TRUNCATION_MARKER, type TextRedaction } from './text.js'
export { isSensitiveKey } from './sensitive-keys.js'
export { mergeFindings, type Detection } from './types.js'

/**
 * The `redaction` settings (defaults applied when absent) plus the HMAC key (`pseudonymization.key`)
 * and the user ids kept in clear (`pseudonymization.serviceAccounts`; `svc-*` matches a prefix).
 */
export type RedactionConfig = z.input<typeof RedactionSettings> & {
  hmacKey: string
  serviceAccounts?: readonly string[]
}

export interface UserPseudonym {
  /** The HMAC pseudonym, the service-account id in clear, or '' when there is no user. */
  value: string
  kind: 'pseudonym' | 'service_account' | 'none'
}

export interface Redactor {
  /** Redacts free text (error messages, prompts); cut to `maxStringBytes` when longer. */
  redactText(text: string): TextRedaction
  /**
   * Redacts every string in a JSON value; values under sensitive keys go whole. Never mutates the
   * input. The JSON is cut to `maxBytes` when given.
   */
  redactJson(value: unknown, options?: { maxBytes?: number }): JsonRedaction
  /** Where the detectors fire in `text` (offsets only, no values): for tests, benchmarks and debugging. */
  detect(text: string): Detection[]
  pseudonymizeUser(id: string | null | undefined): UserPseudonym
  /**
   * The keyed pseudonym of an MCP session id ('' for none): the same session always gets the same
   * value, so sessions still group, but the stored value cannot be used to speak in the session.
   */
  pseudonymizeSession(id: string): string
}

/**
 * Builds a redactor. Throws at start-up (not per event) when the settings or the key are invalid.
 * Nothing here logs: clear values never leave the function that received them.
 */
export function createRedactor(config: RedactionConfig): Redactor {
  const { hmacKey, serviceAccounts = [], ...rest } = config
  const settings = RedactionSettings.parse(rest)
  const pseudonymize = createPseudonymizer(hmacKey, settings.pseudonymHexChars)
  const text = createTextRedactor(settings, pseudonymize)
  const redactJson = createJsonRedactor(settings, text)
  const exact = new Set(serviceAccounts.filter((entry) => !entry.endsWith('*')))
  const prefixes = serviceAccounts.filter((entry) => entry.endsWith('*')).map((entry) => entry.slice(0, -1))

  return {
    redactText(input) {
      const findings: Findings = {}
      const result = text.redact(input, findings)
      return { text: result.text, findings, truncated: result.truncated }
    },
    redactJson,
    detect: (input) => text.detect(input),
    pseudonymizeUser(id) {
      const trimmed = id?.trim() ?? ''
      if (trimmed === '') return { value: '', kind: 'none' }
      if (exact.has(trimmed) || prefixes.some((prefix) => trimmed.startsWith(prefix))) {
        return { value: trimmed, kind: 'service_account' }
      }
      return { value: pseudonymize('user', trimmed), kind: 'pseudonym' }
    },
    pseudonymizeSession(id) {
      return id === '' ? '' : pseudonymize('session', id)
    },
  }
}
