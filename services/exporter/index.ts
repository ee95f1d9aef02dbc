/** The exporter's public entry point, for the runtime and the CLI. */

export { replayToSink, ReplayError, type ReplayOptions } from './replay.js'
export { startExporter, type ExporterHandle, type ExporterOptions } from './service.js'
export type { SinkStatus } from './sink-runner.js'
export {
  verifySinkArchive,
  type ArchiveVerification,
  type SinkArchiveVerification,
} from './sinks/s3/index.js'
