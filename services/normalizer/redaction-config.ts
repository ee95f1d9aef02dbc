import type { AppConfig } from '../../schemas/config.js'
import type { RedactionConfig } from './redaction/index.js'

/** The redaction engine's settings from the app config; service accounts may be listed in either section. */
export function redactionConfigFrom(config: AppConfig, hmacKey: string): RedactionConfig {
  return {
    ...config.redaction,
    serviceAccounts: [
      ...new Set([...config.redaction.serviceAccounts, ...config.pseudonymization.serviceAccounts]),
    ],
    hmacKey,
  }
}
