import path from 'node:path'
import { Piscina } from 'piscina'
import { packageRoot } from '../platform/paths.js'
import { prepareBody, type PrepareInput, type PreparedBody } from './prepare.js'

export interface Preparer {
  prepare: (input: PrepareInput) => Promise<PreparedBody>
  close: () => Promise<void>
}

/**
 * Small bodies are prepared on the main thread (a worker hop costs more than it saves); bodies of
 * at least `minBytes` go to worker threads, so parsing and validation use the other cores.
 */
export function createPreparer(options: { threads: number; minBytes: number }): Preparer {
  if (options.threads === 0) {
    return { prepare: (input) => Promise.resolve(prepareBody(input)), close: () => Promise.resolve() }
  }
  const pool = new Piscina({
    filename: path.join(packageRoot(), 'dist', 'services', 'collector', 'prepare-worker.js'),
    minThreads: options.threads,
    maxThreads: options.threads,
    idleTimeout: 60_000,
  })
  return {
    prepare: async (input) =>
      input.body.byteLength < options.minBytes
        ? prepareBody(input)
        : ((await pool.run(input)) as PreparedBody),
    close: () => pool.destroy(),
  }
}
