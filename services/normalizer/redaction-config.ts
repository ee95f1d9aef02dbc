import type { AppConfig } from '../../schemas/config.js'
import type { RedactionConfig } from './redaction/index.js'

/** The redaction engine's settings from the app config: the `redaction` section and `pseudonymization`. */
export function redactionConfigFrom(config: AppConfig, hmacKey: string): RedactionConfig {
  return { ...config.redaction, serviceAccounts: config.pseudonymization.serviceAccounts, hmacKey }
}
