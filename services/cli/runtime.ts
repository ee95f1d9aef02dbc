import type { AppConfig } from '../../schemas/config.js'
import { loadConfig } from '../platform/config.js'
import { createLogger, type Logger } from '../platform/logger.js'

export interface Runtime {
  config: AppConfig
  configSource: string
  logger: Logger
}

/** Config and logger for a command; a bad config stops here with a message that names the key. */
export function loadRuntime(options: { quiet?: boolean } = {}): Runtime {
  const { config, source } = loadConfig()
  const logger = createLogger({ level: options.quiet ? 'warn' : config.logLevel })
  return { config, configSource: source, logger }
}
