import type { AppConfig } from '../../schemas/config.js'
import { loadConfig } from '../platform/config.js'
import { Lifecycle } from '../platform/lifecycle.js'
import { createLogger, type Logger } from '../platform/logger.js'
import {
  createContext,
  startServices,
  type ContextNeeds,
  type Runtime as ServicesRuntime,
  type RuntimeContext,
  type ServiceSelection,
} from '../runtime/index.js'

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

/**
 * Runs services in this process until a signal: the shared context, then the services `select`
 * picks (it may adjust the context's config first). A failed start stops what already runs, so
 * the process can exit.
 */
export async function serve(
  { config, logger }: Pick<Runtime, 'config' | 'logger'>,
  needs: ContextNeeds,
  select: (context: RuntimeContext) => ServiceSelection,
): Promise<ServicesRuntime> {
  const lifecycle = new Lifecycle(logger)
  lifecycle.handleSignals()
  try {
    const context = await createContext({ config, logger, lifecycle }, needs)
    return await startServices(context, select(context))
  } catch (err) {
    await lifecycle.stop('start_failed')
    throw err
  }
}
