/** The exporter's public entry point, for the runtime, the CLI and the console. */

export type { ExportLagEpisode } from './lag-watch.js'
export { replayToSink, ReplayError, type ReplayOptions } from './replay.js'
export { startExporter, type ExporterHandle, type ExporterOptions } from './service.js'
export type { SinkStatus } from './sink-runner.js'
export type { Sink } from './sinks/index.js'
export type { RecordStream } from './stream.js'
export {
  verifySinkArchive,
  type ArchiveVerification,
  type SinkArchiveVerification,
} from './sinks/s3/index.js'
